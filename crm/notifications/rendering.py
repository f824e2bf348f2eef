"""Render a message kind for one channel in one language.

A kind with an editable text (kinds.py) first fills its words — staff's `MessageText` for the
language, else the kind's translated defaults — with the restricted placeholders, then lays
them out with its templates or the shared `notifications/_stored/` ones.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.template.loader import select_template
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .exceptions import PlaceholderError
from .kinds import MessageKind, get_kind
from .models import Category, Channel, MessageText
from .placeholders import render_placeholders

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""


@dataclass(frozen=True)
class Words:
    """A kind's editable words in one language, placeholders not yet filled. `placeholders`:
    the names these words may use when they are not the kind's own (a campaign's texts)."""

    subject: str
    body: str
    sms: str
    placeholders: tuple[str, ...] | None = None


def default_words(*, kind: MessageKind, language: str) -> Words:
    with translation.override(language):
        return Words(str(kind.text.subject), str(kind.text.body), str(kind.text.sms))


def message_words(*, kind: str, language: str) -> Words:
    """Staff's words for the kind in the language, else the defaults; one query."""
    message_kind = get_kind(kind)
    row = (
        MessageText.objects.filter(kind=kind, language=language)
        .only("subject", "body", "sms")
        .first()
    )
    if row is None:
        return default_words(kind=message_kind, language=language)
    return Words(row.subject, row.body, row.sms)


def render_message(
    *,
    kind: str,
    category: str,
    channel: str,
    language: str,
    context: dict,
    words: Words | None = None,
) -> Rendered:
    """`words`: the editable kind's words when the caller has them (a batch reads them once)."""
    message_kind = get_kind(kind)
    full_context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "marketing": category == Category.MARKETING,
        **context,
    }
    base = f"notifications/{kind}"
    with translation.override(language):
        if message_kind.text is not None or words is not None:
            full_context |= _filled(message_kind, language, words, full_context)
        if channel == Channel.SMS:
            text = _render(base, "sms.txt", full_context).strip()
            if category == Category.MARKETING:
                opt_out = _("To stop these messages reply STOP.")
                text = f"{text} {opt_out}"
            return Rendered(subject="", text=text)
        if channel == Channel.PUSH:
            # Title: the email's subject; body: the kind's push.txt, else its SMS text.
            title = " ".join(_render(base, "subject.txt", full_context).split())
            names = [f"{base}/push.txt", f"{base}/sms.txt", "notifications/_stored/sms.txt"]
            body = " ".join(select_template(names).render(full_context).split())
            return Rendered(subject=title, text=body)
        subject = " ".join(_render(base, "subject.txt", full_context).split())
        text = _render(base, "body.txt", full_context).strip()
        html = _render(base, "body.html", full_context)
        return Rendered(subject=subject, text=text, html=html)


def _render(base: str, name: str, context: dict) -> str:
    return select_template([f"{base}/{name}", f"notifications/_stored/{name}"]).render(context)


def _filled(kind: MessageKind, language: str, words: Words | None, context: dict) -> dict:
    if words is not None and words.placeholders is not None:
        allowed = words.placeholders
    else:
        allowed = kind.text.placeholders if kind.text is not None else ()
    values = {name: _plain(context.get(name)) for name in allowed}
    if "site_name" in values:
        values["site_name"] = settings.SITE_NAME
    if "first_name" in values and not values["first_name"]:
        values["first_name"] = _("valued customer")  # "Hello valued customer,"
    words = words or message_words(kind=kind.name, language=language)
    try:
        return _fill(words, values)
    except PlaceholderError as error:  # a placeholder the kind no longer offers
        if kind.text is None:
            raise  # words the caller brought (a campaign's), checked when they were saved
        log.warning("stored text of %s (%s) is unusable: %s", kind.name, language, error)
        return _fill(default_words(kind=kind, language=language), values)


def _plain(value: object) -> str:
    """A placeholder's value as the customer reads it: a date (or the day of an instant, in the
    shop's time zone) in their language's format."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return date_format(localtime(value), "DATE_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _fill(words: Words, values: dict[str, str]) -> dict:
    return {
        "stored_subject": render_placeholders(words.subject, values),
        "stored_body": render_placeholders(words.body, values),
        "stored_sms": render_placeholders(words.sms or words.subject, values),
    }
