from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import SORTS, ListingFilters, filterable_values

SORT_CHOICES = [
    ("newest", _("Newest")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("best_selling", _("Best selling")),
    ("name", _("Name")),
]


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
        self.fields["attr"].choices = [
            (str(value.pk), f"{value.attribute.name}: {value.value}")
            for value in filterable_values()
        ]

    def filters(self) -> ListingFilters:
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        low, high = data["min_price"], data["max_price"]
        if low is not None and high is not None and low > high:
            low, high = high, low  # min > max: the shopper meant the range between them
        sort = data["sort"] if data["sort"] in SORTS else "newest"
        return ListingFilters(
            q=(data["q"] or "").strip(),
            min_price=Decimal(low) if low is not None else None,
            max_price=Decimal(high) if high is not None else None,
            in_stock=bool(data["in_stock"]),
            sort=sort,
            attribute_values=tuple(int(pk) for pk in data["attr"] or ()),
        )
