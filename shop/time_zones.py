"""The time-zone choices a customer picks from: Türkiye first, common cities, then every zone.

The value stored is always an IANA zone name; the labels are city names a person recognises.
A native <select> with <optgroup>s needs no JavaScript, and typing a city's name jumps to it.
"""

import functools
import zoneinfo

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

HOME_ZONE = "Europe/Istanbul"

# Where the shop's customers most often live or travel, by the city that names the zone
# (shown in alphabetical order of the translated name, then UTC).
COMMON_ZONES: tuple[tuple[str, Promise], ...] = (
    ("Asia/Nicosia", _("Nicosia")),
    ("Europe/Amsterdam", _("Amsterdam")),
    ("Europe/Athens", _("Athens")),
    ("Asia/Baku", _("Baku")),
    ("Europe/Berlin", _("Berlin")),
    ("Europe/Brussels", _("Brussels")),
    ("America/Chicago", _("Chicago")),
    ("Asia/Dubai", _("Dubai")),
    ("Europe/London", _("London")),
    ("America/Los_Angeles", _("Los Angeles")),
    ("Europe/Moscow", _("Moscow")),
    ("America/New_York", _("New York")),
    ("Europe/Paris", _("Paris")),
    ("Asia/Riyadh", _("Riyadh")),
    ("Europe/Sofia", _("Sofia")),
    ("Europe/Stockholm", _("Stockholm")),
    ("Australia/Sydney", _("Sydney")),
    ("Asia/Tbilisi", _("Tbilisi")),
    ("Asia/Tokyo", _("Tokyo")),
    ("America/Toronto", _("Toronto")),
    ("Europe/Vienna", _("Vienna")),
    ("Europe/Zurich", _("Zurich")),
)


@functools.cache
def _available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_label(name: str) -> str:
    """'America/Argentina/Buenos_Aires' → 'Buenos Aires (America/Argentina)'; 'UTC' → 'UTC'."""
    region, _slash, city = name.rpartition("/")
    city = city.replace("_", " ")
    return f"{city} ({region.replace('_', ' ')})" if region else city


@functools.cache
def _full_list() -> tuple[tuple[str, str], ...]:
    labelled = [(name, zone_label(name)) for name in _available()]
    return tuple(sorted(labelled, key=lambda choice: (choice[1].casefold(), choice[0])))


def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices in the active language: Türkiye, common cities (by name), every zone."""
    known = _available()
    common = sorted(
        ((name, str(label)) for name, label in COMMON_ZONES if name in known),
        key=lambda choice: choice[1].casefold(),
    )
    common.append(("UTC", str(_("Coordinated Universal Time (UTC)"))))
    return [
        (str(_("Türkiye")), [(HOME_ZONE, str(_("Türkiye (Istanbul)")))]),
        (str(_("Common time zones")), common),
        (str(_("All time zones, by city")), list(_full_list())),
    ]
