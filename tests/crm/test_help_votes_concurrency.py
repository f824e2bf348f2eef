"""Two clicks of one visitor at the same moment (a double click) count once; two visitors at
the same moment count twice: the unique (article, visitor) row decides, the count moves by F()."""

import threading

import pytest
from django.db import connection

from crm.help.services import help_article_vote
from crm.models import HelpArticle, HelpVote

from .help_helpers import help_article, help_category


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_counts_once_and_two_visitors_twice():
    article = help_article(help_category())
    visitors = ["ayni-ziyaretci"] * 4 + ["baska-1", "baska-2"]
    counted: list[bool] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(len(visitors))

    def vote(visitor: str) -> None:
        try:
            barrier.wait()
            counted.append(help_article_vote(article=article, visitor=visitor, helpful=True))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(visitor,)) for visitor in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(counted) == [False, False, False, True, True, True]
    article = HelpArticle.objects.get(pk=article.pk)
    assert (article.helpful_yes, article.helpful_no) == (3, 0)
    assert HelpVote.objects.count() == 3
