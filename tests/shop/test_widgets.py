"""The choice widgets written in Python give what Django's templates give (whitespace aside):
plain and grouped options, a selected value, several checked boxes, attributes, labels that
need escaping."""

import re

import pytest
from django import forms

from shop import widgets

CHOICES = [
    ("", "Not given"),
    ("34", "İstanbul"),
    ("06", "Ankara"),
    ("35", 'İzmir <"&">'),
]
GROUPED = [
    ("Türkiye", [("Europe/Istanbul", "İstanbul")]),
    ("Europe", [("Europe/London", "London"), ("Europe/Berlin", "Berlin")]),
    ("UTC", "UTC"),
]


def _tight(html: str) -> str:
    """Whitespace as a browser reads it: runs are one space, none between tags."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(
    ("fast", "django", "choices", "value"),
    [
        (widgets.Select, forms.Select, CHOICES, "34"),
        (widgets.Select, forms.Select, CHOICES, None),
        (widgets.Select, forms.Select, GROUPED, "Europe/London"),
        (widgets.RadioSelect, forms.RadioSelect, CHOICES, "06"),
        (widgets.RadioSelect, forms.RadioSelect, GROUPED, "UTC"),
        (widgets.CheckboxSelectMultiple, forms.CheckboxSelectMultiple, CHOICES, ["34", "35"]),
        (widgets.CheckboxSelectMultiple, forms.CheckboxSelectMultiple, CHOICES, []),
    ],
)
def test_the_python_widgets_write_what_djangos_templates_write(fast, django, choices, value):
    attrs = {"id": "id_city", "required": True, "class": "wide", "autocomplete": "off"}
    ours = fast(choices=choices).render("city", value, attrs=attrs)
    theirs = django(choices=choices).render("city", value, attrs=attrs)
    assert _tight(ours) == _tight(theirs)
    assert "&lt;&quot;&amp;&quot;&gt;" in ours or "İzmir" not in ours  # labels are escaped
