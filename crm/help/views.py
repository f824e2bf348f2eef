"""Help centre pages (home, category, article, search), the "was this helpful?" vote, the
complaint form's suggestions fragment and the contact page. Thin: select, render."""

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shop.visitor import csrf_token

from . import selectors, services
from .pages import HELP, article_page_version

SESSION_VOTES = "help_votes"  # article id -> "yes" / "no": what this visitor answered


@require_GET
def help_home(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/help/home.html", {"categories": selectors.help_categories()})


@require_GET
def help_category(request: HttpRequest, slug: str) -> HttpResponse:
    category = selectors.help_category_by_slug(slug)
    if category is None:
        return _moved(slug, "category")
    return render(request, "crm/help/category.html", {"category": category})


@require_GET
def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.help_article_by_slug(slug)
    if article is None:
        return _moved(slug, "article")
    paragraphs = [part.strip() for part in article.body.replace("\r\n", "\n").split("\n\n")]
    return render(
        request,
        "crm/help/article.html",
        {
            "article": article,
            "paragraphs": [part for part in paragraphs if part],
            "page_versions": [HELP, article_page_version(slug)],
        },
    )


def _moved(slug: str, kind: str) -> HttpResponse:
    """A slug of the other language (after a language switch): 301 to this language's."""
    target = selectors.other_language_target(slug=slug, kind=kind)
    if target is None:
        raise Http404
    return HttpResponsePermanentRedirect(target.get_absolute_url())


@require_GET
def help_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    results = selectors.help_search(q) if q.strip() else []
    return render(request, "crm/help/search.html", {"q": q, "results": results})


@require_GET
def help_suggested(request: HttpRequest) -> HttpResponse:
    """The complaint form's "these may already answer it" list for a category (htmx)."""
    articles = selectors.articles_for_complaint(topic=request.GET.get("category", ""))
    return render(request, "crm/help/_suggested.html", {"help_articles": articles})


def _voted(request: HttpRequest) -> dict[str, str]:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.session.session_key:
        return {}  # no session yet: nothing answered (and no session read)
    return request.session.get(SESSION_VOTES, {})


def vote_part(request: HttpRequest, article_id: str) -> str:
    """The vote form (the visitor's own CSRF token) or their answer: a visitor part of the
    cached article page."""
    return render_to_string(
        "crm/help/_vote.html",
        {
            "article_id": article_id,
            "answer": _voted(request).get(article_id),
            "token": csrf_token(request),
        },
        request=None,
    )


def _visitor(request: HttpRequest) -> str:
    """Who votes: the account when signed in (a new session after signing in is the same
    reader), else the session (made now for a new visitor)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"


@require_POST
def help_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Count a visitor's "was this helpful?" once; works as a plain form (redirect back) and
    with htmx (the answer replaces the form)."""
    article = get_object_or_404(
        selectors.published_articles().only("pk", "slug_tr", "slug_en"), pk=pk
    )
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        messages.error(request, _("Please choose yes or no."))
        return HttpResponseRedirect(article.get_absolute_url())
    services.help_article_vote(article=article, visitor=_visitor(request), helpful=answer == "yes")
    votes = dict(request.session.get(SESSION_VOTES, {}))
    if str(pk) not in votes:  # a second answer (counted or not) never replaces the first
        votes[str(pk)] = answer
        request.session[SESSION_VOTES] = votes
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(vote_part(request, str(pk)))
    messages.success(request, _("Thank you for your answer."))
    return HttpResponseRedirect(f"{article.get_absolute_url()}#helpful")


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "crm/contact.html")
