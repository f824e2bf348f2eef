"""Searches without results, counted for staff as (folded words, day, count) and nothing else."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client

from catalog import services
from catalog.models import SearchMiss
from tests.factories import StaffFactory, listed_product

BROWSER = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36"}
GOOGLEBOT = {
    "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
}


@pytest.fixture
def lamp(db):
    return listed_product(name_tr="Kırmızı Lamba", name_en="Red Lamp", searchable=True)


def _search(q: str, headers: dict = BROWSER, **params: str) -> str:
    return Client().get("/en/products/", {"q": q, **params}, headers=headers).text


@pytest.mark.django_db
def test_a_search_without_results_is_counted_by_its_folded_words_and_day_only(lamp):
    assert "0 results" in _search("Şemsiye  KIRMIZI")
    _search("semsiye kirmizi")
    row = SearchMiss.objects.get()
    assert (row.query, row.day, row.count) == ("semsiye kirmizi", datetime.date.today(), 2)
    # Nothing about who searched can be stored: the table has no such column.
    assert {field.name for field in SearchMiss._meta.get_fields()} == {
        "id",
        "query",
        "day",
        "count",
    }


@pytest.mark.django_db
def test_searches_that_find_something_or_are_not_a_persons_are_not_counted(lamp):
    _search("kirmizi")  # found
    _search("kirmizy")  # a typo: close matches are shown
    _search("semsiye", headers=GOOGLEBOT)
    _search("semsiye", headers={})  # names no browser
    _search("semsiye " * 20)  # absurdly long
    _search("ayse@example.com")  # looks personal
    _search("4242 4242 4242 4242")
    _search("semsiye", min_price="5000")  # the filters, not the words, found nothing
    assert not SearchMiss.objects.exists()


@pytest.mark.pagecache
@pytest.mark.django_db
def test_every_search_without_results_is_counted_even_with_the_page_cache_on(lamp):
    for _ in range(3):
        _search("semsiye")
    assert SearchMiss.objects.get().count == 3
    response = Client().get("/en/products/", {"q": "kirmizi"}, headers=BROWSER)
    assert Client().get("/en/products/", {"q": "kirmizi"})["X-Page-Cache"] == "hit"
    assert response.status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_searches_are_all_counted():
    threads_count, each = 8, 5
    barrier = threading.Barrier(threads_count)
    failures: list[BaseException] = []

    def search_often() -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(each):
                services.search_miss_record(q="Şemsiye")
        except BaseException as error:  # the test reports what a thread got
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=search_often) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert SearchMiss.objects.get(query="semsiye").count == threads_count * each


@pytest.mark.django_db
def test_staff_read_the_counts_sorted_by_count_and_cannot_change_them(client):
    today = datetime.date.today()
    SearchMiss.objects.create(query="semsiye", day=today, count=2)
    SearchMiss.objects.create(query="bisiklet", day=today, count=9)
    client.force_login(StaffFactory())
    page = client.get("/en/admin/catalog/searchmiss/").text
    assert page.index("bisiklet") < page.index("semsiye")
    row = SearchMiss.objects.get(query="semsiye")
    assert client.post(
        f"/en/admin/catalog/searchmiss/{row.pk}/change/", {"count": 0}
    ).status_code in (
        403,
        200,
    )
    row.refresh_from_db()
    assert row.count == 2
    assert "Add search" not in page


@pytest.mark.django_db
def test_the_daily_job_deletes_counts_older_than_the_kept_days_and_is_safe_to_run_twice(
    client, settings
):
    from django.utils import timezone

    from shop.celery import app
    from shop.scheduler import PeriodicJobs

    settings.SEARCH_MISS_KEEP_DAYS = 90
    today = timezone.localdate()
    for query, age in (("eski", 91), ("sinirda", 90), ("dun", 1)):
        SearchMiss.objects.create(query=query, day=today - datetime.timedelta(days=age), count=3)

    # The shop's own schedule (what beat and `manage.py run_periodic_jobs` run) prunes daily.
    app.loader.import_default_modules()
    start = app.now()
    jobs = PeriodicJobs(app=app, beat_schedule=app.conf.beat_schedule, now=start)
    ran, _wait = jobs.run_due(
        now=start + datetime.timedelta(seconds=settings.SEARCH_MISS_PRUNE_EVERY_SECONDS)
    )
    assert "prune-search-misses" in ran
    client.force_login(StaffFactory())
    page = client.get("/en/admin/catalog/searchmiss/").text
    assert "sinirda" in page and "dun" in page and "eski" not in page

    assert services.search_misses_prune() == 0  # a second run finds nothing more to delete
    assert SearchMiss.objects.count() == 2
    settings.SEARCH_MISS_KEEP_DAYS = 7  # staff shorten the period: the next run follows it
    assert services.search_misses_prune() == 1
    assert list(SearchMiss.objects.values_list("query", flat=True)) == ["dun"]
