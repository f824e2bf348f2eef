"""CRM forms: marketing consent at sign-up and on the account page."""

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from crm.notifications.models import Channel, Consent
from crm.notifications.services import consent_is_given
from shop.models import User
from shop.net import client_ip

from . import services

CONSENT_CHANNELS = {
    "email_marketing": Channel.EMAIL,
    "sms_marketing": Channel.SMS,
}


class MarketingConsentFields(forms.Form):
    email_marketing = forms.BooleanField(
        label=_("Send me offers and news by email"), required=False
    )
    sms_marketing = forms.BooleanField(label=_("Send me offers and news by SMS"), required=False)

    def granted(self) -> dict[str, bool]:
        """The choice per channel, from a valid form."""
        return {
            channel: bool(self.cleaned_data.get(field))
            for field, channel in CONSENT_CHANNELS.items()
        }


class SignupConsentForm(MarketingConsentFields):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS); both boxes start unticked."""

    def signup(self, request: HttpRequest, user: User) -> None:
        services.marketing_consent_record(
            user=user,
            granted=self.granted(),
            source=Consent.Source.SIGNUP,
            ip_address=client_ip(request),
        )


class ConsentForm(MarketingConsentFields):
    @classmethod
    def for_user(cls, user: User, data: dict | None = None) -> "ConsentForm":
        initial = {
            field: consent_is_given(user=user, channel=channel)
            for field, channel in CONSENT_CHANNELS.items()
        }
        return cls(data, initial=initial)
