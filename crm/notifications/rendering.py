"""Render a message kind for one channel in one language."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Category, Channel


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""


def render_message(
    *, kind: str, category: str, channel: str, language: str, context: dict
) -> Rendered:
    base = f"notifications/{kind}"
    full_context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "marketing": category == Category.MARKETING,
        **context,
    }
    with translation.override(language):
        if channel == Channel.SMS:
            text = render_to_string(f"{base}/sms.txt", full_context).strip()
            if category == Category.MARKETING:
                opt_out = _("To stop these messages reply STOP.")
                text = f"{text} {opt_out}"
            return Rendered(subject="", text=text)
        subject = " ".join(render_to_string(f"{base}/subject.txt", full_context).split())
        text = render_to_string(f"{base}/body.txt", full_context).strip()
        html = render_to_string(f"{base}/body.html", full_context)
        return Rendered(subject=subject, text=text, html=html)
