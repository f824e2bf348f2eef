"""The survey page (/complaints/survey/<signed token>/): no sign-in, no JavaScript. The email's
score links open it with that score chosen (a GET never records anything: mail scanners follow
links); one press of "Send" records the answer. Once answered it is the thank-you page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..exceptions import ComplaintError
from ..services import satisfaction_answer
from .forms import SatisfactionForm
from .selectors import survey_by_link

SCORE_DIGITS = {"1", "2", "3", "4", "5"}


@never_cache
@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_by_link(token)
    if survey is None:
        raise Http404
    if survey.answered_at is not None:
        return render(
            request,
            "complaints/survey_thanks.html",
            {"survey": survey, "already": request.method == "POST"},
        )
    if request.method == "POST":
        form = SatisfactionForm(request.POST)
        if form.is_valid():
            try:
                satisfaction_answer(
                    survey=survey,
                    score=form.cleaned_data["score"],
                    solved=form.solved_answer(),
                    comment=form.cleaned_data["comment"],
                )
            except ComplaintError as refused:
                form.add_error(None, str(refused))
            else:
                return redirect(request.path)
        status = 400
    else:
        chosen = request.GET.get("score", "")
        form = SatisfactionForm(initial={"score": int(chosen)} if chosen in SCORE_DIGITS else None)
        status = 200
    return render(
        request, "complaints/survey.html", {"form": form, "survey": survey}, status=status
    )
