"""Customer-facing CRM pages: message preferences under /account/messages/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.notifications.models import Consent
from shop.net import client_ip

from . import services
from .forms import ConsentForm


@login_required
def message_preferences(request: HttpRequest) -> HttpResponse:
    form = ConsentForm.for_user(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.marketing_consent_record(
            user=request.user,
            granted=form.granted(),
            source=Consent.Source.PROFILE,
            ip_address=client_ip(request),
        )
        messages.success(request, _("Your message preferences have been saved."))
        return redirect("crm:message_preferences")
    return render(request, "crm/message_preferences.html", {"form": form})
