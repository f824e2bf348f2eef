"""The segment builder's forms: rows of conditions (each a small form) placed in the main group
or in one inner group, turned into the rules JSON on the server (crm.segments.rules).

The rows travel as plain fields `c<n>-<input>` with a `rows` count, so the page works without
JS: "Add condition" and "Remove" are submit buttons that re-render the rows (`rows_edit`).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from catalog.models import Category
from crm.notifications.models import Channel
from payments.models import LoyaltyTier

from ..models.profile import CITY_CHOICES, Gender
from ..models.stats import RfmGroup
from .rules import CONSENT_CHANNELS, rules_clean

MAX_ROWS = 20
MAIN, INNER = "main", "inner"

FIELD_CHOICES = (
    ("age", _("Age (years)")),
    ("gender", _("Gender")),
    ("city", _("City")),
    ("total_spend", _("Total spend (TRY)")),
    ("orders_count", _("Number of orders")),
    ("days_since_last_order", _("Days since the last order")),
    ("churn_risk", _("Churn risk (days since the last order ÷ usual gap)")),
    ("bought_in_category", _("Bought in a category")),
    ("loyalty_tier", _("Loyalty tier")),
    ("rfm_group", _("RFM group")),
    ("consent", _("Consent for a channel")),
    ("signed_up", _("Signed up between")),
)
# The inputs each condition uses (the others are hidden by segments.js, ignored on the server).
INPUTS: dict[str, tuple[str, ...]] = {
    "age": ("low", "high"),
    "total_spend": ("low", "high"),
    "orders_count": ("low", "high"),
    "days_since_last_order": ("low", "high"),
    "churn_risk": ("low", "high"),
    "gender": ("genders",),
    "city": ("cities",),
    "rfm_group": ("rfm_groups",),
    "loyalty_tier": ("tiers",),
    "bought_in_category": ("category",),
    "consent": ("channel",),
    "signed_up": ("after", "before"),
}
ROW_INPUTS = ("field", "place", "low", "high", "genders", "cities", "rfm_groups", "tiers")
ROW_INPUTS += ("category", "channel", "after", "before")
MATCH_CHOICES = (("all", _("all of the conditions (AND)")), ("any", _("any of them (OR)")))


def builder_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices that come from the database (two queries), read once per request."""
    categories = Category.objects.order_by("path").values_list("pk", "name", "depth")
    tiers = LoyaltyTier.objects.order_by("min_spend").values_list("pk", "name")
    return {
        "categories": [("", "—")]
        + [(str(pk), "· " * (d - 1) + name) for pk, name, d in categories],
        "tiers": [(str(pk), name) for pk, name in tiers],
    }


class ConditionForm(forms.Form):
    """One condition: which figure, and its inputs."""

    field = forms.ChoiceField(
        label=_("Condition"), choices=(("", "—"), *FIELD_CHOICES), required=False
    )
    place = forms.ChoiceField(
        label=_("Group"),
        choices=((MAIN, _("main group")), (INNER, _("inner group"))),
        required=False,
    )
    low = forms.CharField(label=_("From"), required=False, max_length=20)
    high = forms.CharField(label=_("To"), required=False, max_length=20)
    genders = forms.MultipleChoiceField(
        label=_("Genders"),
        choices=Gender.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cities = forms.MultipleChoiceField(
        label=_("Cities"), choices=CITY_CHOICES, required=False, widget=forms.SelectMultiple
    )
    rfm_groups = forms.MultipleChoiceField(
        label=_("RFM groups"),
        choices=RfmGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tiers = forms.MultipleChoiceField(
        label=_("Tiers"), required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", "—")] + [(c.value, c.label) for c in Channel if c in CONSENT_CHANNELS],
    )
    after = forms.DateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, choices: dict, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = choices["categories"]
        self.fields["tiers"].choices = choices["tiers"]
        for name, bound_field in self.fields.items():
            bound_field.widget.attrs.setdefault("data-input", name)

    def chosen(self) -> str:
        return (self.data.get(self.add_prefix("field")) or "") if self.is_bound else ""

    def inner(self) -> bool:
        return self.is_bound and self.data.get(self.add_prefix("place")) == INNER

    def shows(self) -> list:
        """The bound inputs, each with whether its condition uses it."""
        used = INPUTS.get(self.chosen(), ())
        return [
            (self[name], name in used, " ".join(f for f, names in INPUTS.items() if name in names))
            for name in ROW_INPUTS[2:]
        ]

    def clean(self) -> dict:
        data = super().clean()
        field = data.get("field")
        if not field:
            return data
        try:
            data["rule"] = rules_clean({"rules": [self._rule(field, data)]})["rules"][0]
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return data

    @staticmethod
    def _rule(field: str, data: dict) -> dict:
        day = lambda value: value.isoformat() if isinstance(value, datetime.date) else None  # noqa: E731
        inputs = {
            "low": ("min", data.get("low")),
            "high": ("max", data.get("high")),
            "genders": ("values", data.get("genders")),
            "cities": ("values", data.get("cities")),
            "rfm_groups": ("values", data.get("rfm_groups")),
            "tiers": ("tiers", data.get("tiers")),
            "category": ("category", data.get("category")),
            "channel": ("channel", data.get("channel")),
            "after": ("after", day(data.get("after"))),
            "before": ("before", day(data.get("before"))),
        }
        return {"field": field, **dict(inputs[name] for name in INPUTS[field])}


class SegmentForm(forms.Form):
    """The name and how the groups combine; the rows are ConditionForms beside it."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    match = forms.ChoiceField(label=_("Customers who match"), choices=MATCH_CHOICES)
    inner_match = forms.ChoiceField(
        label=_("The inner group matches"), choices=MATCH_CHOICES, initial="any"
    )


class Builder:
    """The whole builder: the segment form and its rows, bound to one request's data."""

    def __init__(self, data: MultiValueDict, *, choices: dict, show_errors: bool = True):
        self.data, self.show_errors = data, show_errors
        self.form = SegmentForm(data)
        count = _row_count(data)
        self.rows = [ConditionForm(data, prefix=f"c{n}", choices=choices) for n in range(count)]

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [row.is_valid() for row in self.rows]
        return all(results)  # every form checked, so each shows its own errors

    def rules(self) -> dict:
        """The rules the rows make (call after is_valid()); an empty inner group is left out."""
        main = [
            r.cleaned_data["rule"]
            for r in self.rows
            if r.cleaned_data.get("field") and r.cleaned_data.get("place") != INNER
        ]
        inner = [
            r.cleaned_data["rule"]
            for r in self.rows
            if r.cleaned_data.get("field") and r.cleaned_data.get("place") == INNER
        ]
        if inner:
            main.append({"match": self.form.cleaned_data["inner_match"], "rules": inner})
        return {"match": self.form.cleaned_data["match"], "rules": main}

    def errors(self) -> list[str]:
        """Every message, row by row, for the live count's fragment."""
        found = [m for errors in self.form.errors.values() for m in errors]
        for n, row in enumerate(self.rows, 1):
            found += [
                _("Condition %(n)d: %(message)s") % {"n": n, "message": m}
                for errors in row.errors.values()
                for m in errors
            ]
        return found


def _row_count(data: MultiValueDict) -> int:
    try:
        return max(0, min(int(data.get("rows") or 0), MAX_ROWS))
    except ValueError:
        return 0


def rows_edit(data: MultiValueDict, *, add: str = "", remove: str = "") -> MultiValueDict:
    """The data with one row added (to `add`: main or inner) or the row `remove` taken out."""
    count = _row_count(data)
    rows = [{name: data.getlist(f"c{n}-{name}") for name in ROW_INPUTS} for n in range(count)]
    if remove.isdigit() and int(remove) < count:
        del rows[int(remove)]
    if add in (MAIN, INNER) and count < MAX_ROWS:
        rows.append({"place": [add]})
    return _with_rows(data, rows)


def _with_rows(data: MultiValueDict, rows: list[dict]) -> MultiValueDict:
    kept = MultiValueDict(
        {key: data.getlist(key) for key in data if not key.startswith("c") or "-" not in key}
    )
    for n, row in enumerate(rows):
        for name, values in row.items():
            kept.setlist(f"c{n}-{name}", values)
    kept.setlist("rows", [str(len(rows))])
    return kept


def segment_to_data(*, name: str = "", description: str = "", rules: dict | None = None):
    """A saved segment (or a new one) as the builder's form data (one inner group at most)."""
    rules = rules or {"match": "all", "rules": []}
    rows: list[dict] = []
    data = MultiValueDict({"match": [rules.get("match", "all")], "inner_match": ["any"]})
    data.setlist("name", [name])
    data.setlist("description", [description])
    for item in rules.get("rules", []):
        if "match" in item:
            data.setlist("inner_match", [item["match"]])
            rows += [_rule_row(rule, INNER) for rule in item.get("rules", []) if "field" in rule]
        else:
            rows.append(_rule_row(item, MAIN))
    return _with_rows(data, rows or [{"place": [MAIN]}])


def fits_builder(rules: dict) -> bool:
    """Whether the builder shows these rules as they are: one inner group at most, of rules."""
    groups = [item for item in rules.get("rules", []) if "match" in item]
    return len(groups) <= 1 and all("field" in rule for g in groups for rule in g.get("rules", []))


def _rule_row(rule: dict, place: str) -> dict[str, list[str]]:
    field = rule["field"]
    row = {"field": [field], "place": [place]}
    keys = {"low": "min", "high": "max", "genders": "values", "cities": "values"}
    keys |= {"rfm_groups": "values", "tiers": "tiers", "category": "category"}
    keys |= {"channel": "channel", "after": "after", "before": "before"}
    for name in INPUTS[field]:
        value = rule.get(keys[name])
        if isinstance(value, list):
            row[name] = [str(v) for v in value]
        elif value is not None:
            row[name] = [str(value)]
    return row
