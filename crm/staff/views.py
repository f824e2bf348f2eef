"""The site's "Call me back" page (signed in or guest), rate-limited like other public forms."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from orders.views.limits import visitor_limits
from shop.phones import format_mobile
from shop.ratelimit import attempt_count, attempts_exhausted

from ..chat.session import chat_named_in
from .callbacks import callback_request
from .exceptions import CallbackRefused
from .forms import CallbackRequestForm


def callback_request_page(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    initial = {}
    if user is not None:
        initial = {"name": user.get_full_name(), "phone": format_mobile(user.phone)}
    # From the assistant's "Call me back" (out of hours): the visitor's own chat comes along.
    chat = chat_named_in(request)
    if chat is not None and chat.order_id is not None:
        initial["order_number"] = chat.order.number
    form = CallbackRequestForm(request.POST or None, initial=initial)
    error, status = "", 200
    if request.method == "POST":
        limits = visitor_limits(request, "callback", settings.CALLBACK_REQUESTS_PER_HOUR)
        if attempts_exhausted(limits):
            error, status = _("Too many requests. Please wait an hour and try again."), 429
        elif form.is_valid():
            attempt_count(limits, window_seconds=3600)
            try:
                callback_request(
                    user=user,
                    conversation=chat,
                    language=(get_language() or "").split("-")[0],
                    **form.cleaned_data,
                )
            except CallbackRefused as refused:
                error, status = str(refused), 400
            else:
                messages.success(
                    request, _("Thank you: we will call you back in the window you chose.")
                )
                return redirect("crm:callback_request")
        else:
            status = 400
    return render(
        request,
        "crm/callback_request.html",
        {"form": form, "error": error, "chat": chat},
        status=status,
    )
