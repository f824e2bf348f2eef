from decimal import Decimal
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shop import pagecache

from .kept import filter_choices, filter_choices_at
from .selectors import SORTS, ListingFilters

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("newest", _("Newest")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("best_selling", _("Best selling")),
    ("name", _("Name")),
]


class SuggestForm(forms.Form):
    """The words typed so far; anything odd (too long, control characters) suggests nothing."""

    q = forms.CharField(required=False, max_length=100)

    def words(self) -> str:
        return self.cleaned_data["q"] if self.is_valid() else ""


class FilterSelection(NamedTuple):
    language: str
    catalog_version: str  # the attribute choices change only with it
    q: str
    min_price: str
    max_price: str
    in_stock: bool
    sort: str
    chosen: frozenset[str]


def shown(selection: FilterSelection) -> dict[str, object]:
    """The filter form's values and choices from its selection alone (no form needed)."""
    choices = filter_choices_at(selection.language, selection.catalog_version)
    return {
        "q": selection.q,
        "min_price": selection.min_price,
        "max_price": selection.max_price,
        "in_stock": selection.in_stock,
        "sorts": [(value, label, value == selection.sort) for value, label in SORT_CHOICES],
        "attrs": [(value, label, value in selection.chosen) for value, label in choices],
    }


class ListingFilterForm(forms.Form):
    """Filters live in the URL; nonsense values are ignored rather than refused."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    min_price = forms.DecimalField(
        label=_("Min. price"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    max_price = forms.DecimalField(
        label=_("Max. price"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    attr = forms.MultipleChoiceField(
        label=_("Options"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attr"].choices = filter_choices()

    def selection(self) -> FilterSelection:
        """What the filter form shows, as typed: with the language and catalog version, the
        whole key of its rendered fragment (catalog/_filters.html)."""
        data = self.data
        chosen = data.getlist("attr") if hasattr(data, "getlist") else []
        return FilterSelection(
            language=translation.get_language() or settings.LANGUAGE_CODE,
            catalog_version=pagecache.versions([pagecache.CATALOG])[pagecache.CATALOG],
            q=data.get("q", ""),
            min_price=data.get("min_price", ""),
            max_price=data.get("max_price", ""),
            in_stock=bool(data.get("in_stock")),
            sort=data.get("sort", ""),
            chosen=frozenset(chosen),
        )

    def shown(self) -> dict[str, object]:
        """What the lean filter template (catalog/_filters.html) shows: the values as typed."""
        return shown(self.selection())

    def filters(self) -> ListingFilters:
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        low, high = data["min_price"], data["max_price"]
        if low is not None and high is not None and low > high:
            low, high = high, low  # min > max: the shopper meant the range between them
        q = (data["q"] or "").strip()
        # A search is ranked by relevance unless the shopper chose another order.
        sort = data["sort"] if data["sort"] in SORTS else ("relevance" if q else "newest")
        return ListingFilters(
            q=q,
            min_price=Decimal(low) if low is not None else None,
            max_price=Decimal(high) if high is not None else None,
            in_stock=bool(data["in_stock"]),
            sort=sort,
            attribute_values=tuple(int(pk) for pk in data["attr"] or ()),
        )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Your review"), required=False, max_length=2000, widget=forms.Textarea
    )
