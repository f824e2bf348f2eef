"""Customer-facing CRM pages: message preferences (/account/messages/) and the profile
(/account/profile/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.notifications.models import Consent
from crm.notifications.selectors import push_browsers_count
from shop.net import client_ip

from . import selectors, services
from .forms import ConsentForm, ProfileForm


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
    return render(
        request,
        "crm/message_preferences.html",
        {"form": form, "push_browsers": push_browsers_count(user=request.user)},
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """What the customer tells us about themselves; nothing is saved unless all of it is valid."""
    profile = selectors.profile_get_or_blank(user=request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=request.user, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("crm:profile")
    return render(request, "crm/profile.html", {"form": form})
