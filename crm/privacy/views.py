"""The customer's "Your data" page: download everything as JSON, delete the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .exceptions import ErasureRefused
from .forms import ErasureConfirmForm
from .selectors import erasure_refusal, privacy_export_chunks
from .services import account_erase, privacy_export_record


@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "crm/privacy/your_data.html",
        {"refusal": erasure_refusal(user=request.user)},
    )


@login_required
@require_POST
def export_download(request: HttpRequest) -> StreamingHttpResponse:
    """The signed-in customer's own data (there is no id in the URL to guess)."""
    privacy_export_record(user=request.user)
    response = StreamingHttpResponse(
        privacy_export_chunks(user=request.user), content_type="application/json; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    refusal = erasure_refusal(user=request.user)
    form = ErasureConfirmForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            account_erase(user=request.user)
        except ErasureRefused as error:
            refusal = str(error)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted. Goodbye."))
            return redirect("catalog:home")
    return render(request, "crm/privacy/account_delete.html", {"form": form, "refusal": refusal})
