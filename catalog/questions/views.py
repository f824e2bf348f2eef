"""Q&A pages. The product page is cached for every visitor, so each form posts to a page of its
own that answers (or, for a signed-in shopper, a redirect back with a message)."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shop.net import client_ip
from shop.ratelimit import Limit, attempt_count, attempts_exhausted
from shop.visitor import csrf_token

from .. import selectors as catalog_selectors
from ..models import ProductQuestion, ProductStatus, QuestionStatus
from . import selectors, services
from .exceptions import QuestionError, QuestionLinkInvalid
from .forms import AnswerForm, QuestionForm, VoteForm

ASK = "catalog/questions/ask.html"
ANSWER = "catalog/questions/answer.html"


def _limits(request: HttpRequest, scope: str, per_hour: int) -> list[Limit]:
    """Counters for one visitor: their session, and their address as a backstop (5×)."""
    if not request.session.session_key:
        request.session.save()
    return [
        (f"qa-{scope}:s:{request.session.session_key}", per_hour),
        (f"qa-{scope}:ip:{client_ip(request)}", per_hour * 5),
    ]


def _limited(request: HttpRequest, scope: str, per_hour: int) -> bool:
    """Count this attempt; True when the visitor had used up the hour's allowance already."""
    limits = _limits(request, scope, per_hour)
    if attempts_exhausted(limits):
        return True
    attempt_count(limits, window_seconds=3600)
    return False


def _product(slug: str):
    product = catalog_selectors.product_by_slug(slug)
    if product is None:
        raise Http404
    return product


@require_http_methods(["GET", "HEAD", "POST"])
def question_ask(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask about a product: signed in, or a guest who confirms an email address."""
    product = _product(slug)
    user = request.user if request.user.is_authenticated else None
    form = QuestionForm(request.POST or None, signed_in=user is not None)
    context = {"product": product, "form": form}
    if request.method != "POST":
        return render(request, ASK, context)
    if _limited(request, "ask", settings.CATALOG_QUESTIONS_PER_HOUR):
        form.is_valid()
        form.add_error(None, _("Too many questions. Please wait an hour and try again."))
        return render(request, ASK, context, status=429)
    if not form.is_valid():
        return render(request, ASK, context, status=400)
    try:
        question = services.question_ask(
            product=product,
            user=user,
            email=form.cleaned_data.get("email", ""),
            body=form.cleaned_data["body"],
            language=(get_language() or settings.LANGUAGE_CODE).split("-")[0],
        )
    except QuestionError as error:
        form.add_error(None, str(error))
        return render(request, ASK, context, status=error.status)
    if user is None:
        return render(request, ASK, {**context, "sent": question, "form": None})
    messages.success(
        request, _("Thank you! Your question appears here once it is answered and checked.")
    )
    return redirect(f"{product.get_absolute_url()}#questions")


@require_http_methods(["GET", "HEAD", "POST"])
def question_confirm(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """A GET (the link, or a mail scanner following it) only asks; the button's POST confirms."""
    template = "catalog/questions/confirm.html"
    try:
        if request.method == "POST":
            question = services.question_confirm(question_id=pk, token=token)
            return render(request, template, {"question": question, "done": True})
        question = services.question_find_unconfirmed(question_id=pk, token=token)
    except QuestionLinkInvalid as invalid:
        return render(request, template, {"invalid": str(invalid)}, status=404)
    done = question.status != QuestionStatus.UNCONFIRMED
    return render(request, template, {"question": question, "done": done})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer_write(request: HttpRequest, question_id: int) -> HttpResponse:
    """A verified buyer (or staff) answers a published question; it shows once staff approve."""
    question = (
        ProductQuestion.objects.filter(
            pk=question_id, status=QuestionStatus.APPROVED, product__status=ProductStatus.ACTIVE
        )
        .select_related("product")
        .first()
    )
    if question is None:
        raise Http404
    product = question.product
    form = AnswerForm(request.POST or None)
    context = {"product": product, "question": question, "form": form}
    if not services.may_answer(user=request.user, product_id=product.pk):
        context["refused"] = _(
            "Only customers who bought this product can answer questions about it."
        )
        return render(request, ANSWER, context, status=403)
    if request.method != "POST":
        return render(request, ANSWER, context)
    if _limited(request, "answer", settings.CATALOG_QUESTIONS_PER_HOUR):
        form.is_valid()
        form.add_error(None, _("Too many answers. Please wait an hour and try again."))
        return render(request, ANSWER, context, status=429)
    if not form.is_valid():
        return render(request, ANSWER, context, status=400)
    try:
        services.answer_post(question=question, user=request.user, body=form.cleaned_data["body"])
    except QuestionError as error:
        form.add_error(None, str(error))
        return render(request, ANSWER, context, status=error.status)
    messages.success(request, _("Thank you! Your answer appears once we have checked it."))
    return redirect(f"{product.get_absolute_url()}#questions")


def _voter(request: HttpRequest) -> str:
    """Who votes: an account by its id, a visitor by a hash of their session (never the key)."""
    if request.user.is_authenticated:
        return f"u:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{request.session.session_key}".encode())
    return f"s:{digest.hexdigest()[:40]}"


@require_POST
def answer_vote(request: HttpRequest, slug: str, answer_id: int) -> HttpResponse:
    """ "Was this helpful?": one vote per visitor per answer; back to the product page."""
    product = _product(slug)
    back = redirect(f"{product.get_absolute_url()}#answer-{answer_id}")
    form = VoteForm(request.POST)
    if _limited(request, "vote", settings.CATALOG_ANSWER_VOTES_PER_HOUR):
        messages.error(request, _("Too many votes. Please wait an hour and try again."))
        return back
    if not form.is_valid():
        messages.error(request, _("Choose whether the answer helped you."))
        return back
    try:
        counted = services.answer_vote(
            product_id=product.pk,
            answer_id=answer_id,
            voter=_voter(request),
            helpful=form.cleaned_data["helpful"],
        )
    except QuestionError as error:
        raise Http404 from error
    if counted:
        messages.success(request, _("Thank you for telling us."))
    else:
        messages.info(request, _("You have already voted on this answer."))
    return back


def _may_answer(request: HttpRequest, product_id: str) -> bool:
    """Whether the signed-in visitor may answer questions on the product: asked once a response."""
    asked = request.__dict__.setdefault("_catalog_may_answer", {})
    if product_id not in asked:
        asked[product_id] = services.may_answer(user=request.user, product_id=int(product_id))
    return asked[product_id]


def open_questions_part(request: HttpRequest, product_id: str) -> str:
    """The visitor part below a product's Q&A: its published questions still waiting for an
    answer, each with the answer form, for those who may answer; nothing for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not _may_answer(request, product_id):
        return ""
    questions = selectors.open_questions(product_id=int(product_id))
    if not questions:
        return ""
    return render_to_string(
        "catalog/questions/_open_questions.html",
        {"questions": questions, "csrf_token": csrf_token(request)},
    )


def answer_form_part(request: HttpRequest, product_id: str, question_id: str) -> str:
    """The visitor part under each published question of a (cached) product page: the answer
    form, for staff and for customers who bought the product; nothing for anyone else. The
    "did they buy it?" answer is asked once per response."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if not _may_answer(request, product_id):
        return ""
    return render_to_string(
        "catalog/questions/_answer_form.html",
        {"question_id": int(question_id), "csrf_token": csrf_token(request)},
    )
