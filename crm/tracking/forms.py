"""The cookie-choice form (banner and settings page) and the beacon's event fields."""

from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import EventKind, TrackingEvent

# The checkout pages' steps, as their templates name them (data-track-checkout-step).
CHECKOUT_STEPS = ("cart", "details", "express", "payment", "placed")


class CookieChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[("all", _("Accept all")), ("none", _("Reject all")), ("chosen", _("Save"))]
    )
    analytics = forms.BooleanField(required=False, label=_("Analytics cookies"))
    marketing = forms.BooleanField(required=False, label=_("Marketing cookies"))
    next = forms.CharField(required=False, max_length=2000)

    def chosen(self) -> tuple[bool, bool]:
        """(analytics, marketing) as the visitor chose them."""
        choice = self.cleaned_data["choice"]
        if choice == "all":
            return True, True
        if choice == "none":
            return False, False
        return self.cleaned_data["analytics"], self.cleaned_data["marketing"]


def _cut(value: str, field: str) -> str:
    return value[: TrackingEvent._meta.get_field(field).max_length]


def _local_path(value: str) -> str:
    """A path on this site without its query (a search's words stay out of page views)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return ""
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return ""
    return parts.path


class TrackEventForm(forms.Form):
    """One beacon's fields: overlong text is cut to its column, not refused."""

    kind = forms.ChoiceField(choices=EventKind.choices)
    path = forms.CharField(required=False, strip=True)
    referrer = forms.CharField(required=False, strip=True)
    product = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    query = forms.CharField(required=False, strip=True)
    results = forms.IntegerField(required=False, min_value=0, max_value=10**9)
    step = forms.ChoiceField(required=False, choices=[(step, step) for step in CHECKOUT_STEPS])

    def __init__(self, *args: object, host: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.host = host

    def clean_path(self) -> str:
        return _cut(_local_path(self.cleaned_data["path"]), "path")

    def clean_referrer(self) -> str:
        """This site's own pages as their path, another site as its host name only."""
        value = self.cleaned_data["referrer"]
        try:
            parts = urlsplit(value)
            host = (parts.hostname or "").lower()
        except ValueError:
            return ""
        if not parts.netloc:
            return _cut(_local_path(value), "referrer")
        if parts.netloc.lower() == self.host.lower():
            return _cut(parts.path or "/", "referrer")
        return _cut(host, "referrer")

    def clean_query(self) -> str:
        words = " ".join(self.cleaned_data["query"].split())
        return _cut(words.replace("I", "ı").replace("İ", "i").lower(), "query")
