"""The survey's one-click link: the survey's random token, signed with the site's key (its own
salt), so one ticket's link can never answer another's survey."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shop.signed_links import SignedToken

from ..models import SatisfactionSurvey

SALT = "complaints.satisfaction"
LINK = SignedToken(SALT)


def survey_link_token(survey: SatisfactionSurvey) -> str:
    return LINK.sign(survey.token)


def survey_token_read(signed: str) -> str | None:
    return LINK.read(signed)


def survey_url(*, survey: SatisfactionSurvey, language: str) -> str:
    """The absolute link for the message, in the recipient's language."""
    with translation.override(language or settings.LANGUAGE_CODE):
        path = reverse("complaints:survey", args=[survey_link_token(survey)])
    return f"{settings.SITE_URL}{path}"
