"""The survey page (/feedback/<signed token>/): no sign-in, no JavaScript; once answered it is
the thank-you page, showing the saved answer and offering the comment as a review draft."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .exceptions import FeedbackRefused
from .forms import FeedbackForm
from .selectors import extra_question, review_drafts, survey_by_link
from .services import feedback_answer


@never_cache
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_by_link(token)
    if survey is None:
        raise Http404
    if survey.answered_at is not None:
        return _thanks(request, survey, already=request.method == "POST")
    question = extra_question()
    form = FeedbackForm(request.POST if request.method == "POST" else None, question=question)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_answer(
                survey=survey,
                score=data["score"],
                comment=data["comment"],
                extra_answer=data.get("extra_answer", ""),
            )
        except FeedbackRefused as error:
            form.add_error(None, str(error))
        else:
            return redirect(request.path)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "crm/feedback/survey.html", {"form": form, "order": survey.order}, status=status
    )


def _thanks(request: HttpRequest, survey: object, *, already: bool) -> HttpResponse:
    own = not request.user.is_authenticated or request.user.pk == survey.user_id
    drafts = review_drafts(survey=survey) if own else []
    return render(
        request,
        "crm/feedback/thanks.html",
        {
            "survey": survey,
            "order": survey.order,
            "drafts": drafts,
            "already": already,
            "signed_in": request.user.is_authenticated,
        },
    )
