"""The survey's one-click link: the survey's own random token, signed with the site's key.

A tampered link fails the signature (404 without a query); a well-signed one names exactly
one survey, so one order's link can never reach another's survey."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from crm.models import FeedbackSurvey
from shop.signed_links import SignedToken

SALT = "crm.feedback"
LINK = SignedToken(SALT)


def survey_link_token(survey: FeedbackSurvey) -> str:
    return LINK.sign(survey.token)


def survey_token_read(signed: str) -> str | None:
    return LINK.read(signed)


def survey_url(*, survey: FeedbackSurvey, language: str) -> str:
    """The absolute link for the email, in the recipient's language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        path = reverse("crm:feedback", args=[survey_link_token(survey)])
    return f"{settings.SITE_URL}{path}"
