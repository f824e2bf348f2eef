from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import SORTS, ListingFilters, filter_choices

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

    def shown(self) -> dict[str, object]:
        """What the lean filter template (catalog/_filters.html) shows: the values as typed."""
        data = self.data
        chosen = set(data.getlist("attr")) if hasattr(data, "getlist") else set()
        sort = data.get("sort", "")
        return {
            "q": data.get("q", ""),
            "min_price": data.get("min_price", ""),
            "max_price": data.get("max_price", ""),
            "in_stock": bool(data.get("in_stock")),
            "sorts": [(value, label, value == sort) for value, label in SORT_CHOICES],
            "attrs": [
                (value, label, value in chosen) for value, label in self.fields["attr"].choices
            ],
        }

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
