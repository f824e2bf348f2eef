"""CRM forms: marketing consent at sign-up and on the account page."""

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from crm.notifications.models import Channel, Consent
from crm.notifications.services import consent_is_given, consent_set
from shop.models import User
from shop.net import client_ip

CONSENT_CHANNELS = {
    "email_marketing": Channel.EMAIL,
    "sms_marketing": Channel.SMS,
}


class MarketingConsentFields(forms.Form):
    email_marketing = forms.BooleanField(
        label=_("Send me offers and news by email"), required=False
    )
    sms_marketing = forms.BooleanField(label=_("Send me offers and news by SMS"), required=False)

    def record(self, *, user: User, source: str, request: HttpRequest) -> None:
        for field, channel in CONSENT_CHANNELS.items():
            consent_set(
                user=user,
                channel=channel,
                granted=bool(self.cleaned_data.get(field)),
                source=source,
                text_version=settings.NOTIFICATIONS_CONSENT_TEXT_VERSION,
                ip_address=client_ip(request),
            )


class SignupConsentForm(MarketingConsentFields):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS); both boxes start unticked."""

    def signup(self, request: HttpRequest, user: User) -> None:
        self.record(user=user, source=Consent.Source.SIGNUP, request=request)


class ConsentForm(MarketingConsentFields):
    @classmethod
    def for_user(cls, user: User, data: dict | None = None) -> "ConsentForm":
        initial = {
            field: consent_is_given(user=user, channel=channel)
            for field, channel in CONSENT_CHANNELS.items()
        }
        return cls(data, initial=initial)
