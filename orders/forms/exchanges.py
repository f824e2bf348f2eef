"""The exchange form of the returns portal: per item, the size or colour wanted instead."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.money import format_money

from ..selectors.exchanges import ExchangeChoice, ExchangeOffer
from ..services.exchanges import ExchangeItem
from ..states import EXCHANGE_REASONS


def choice_label(choice: ExchangeChoice) -> str:
    """'L — ₺100,00', with what it changes: '(₺20,00 to pay)', '(₺20,00 back)' or
    '(out of stock)' (offered anyway: choosing it says so clearly, and nothing changes)."""
    label = f"{choice.label} — {format_money(choice.price)}"
    if not choice.in_stock:
        return label + " " + str(_("(out of stock)"))
    if choice.difference > 0:
        return (
            label
            + " "
            + str(_("(%(amount)s to pay)") % {"amount": format_money(choice.difference)})
        )
    if choice.difference < 0:
        return (
            label + " " + str(_("(%(amount)s back)") % {"amount": format_money(-choice.difference)})
        )
    return label


class ExchangeForm(forms.Form):
    """One "instead" choice and one quantity per item that may be exchanged; a one-time key so
    the same form sent twice makes one exchange. Works without JavaScript."""

    reason_code = forms.ChoiceField(
        label=_("Why do you want another one?"),
        choices=[(str(reason), reason.label) for reason in EXCHANGE_REASONS],
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, offers: list[ExchangeOffer], **kwargs: object):
        super().__init__(*args, **kwargs)
        self.offers = offers
        self.fields["key"].initial = secrets.token_urlsafe(24)
        for offer in offers:
            line = offer.line
            name = line.product_name + (f" ({line.variant_name})" if line.variant_name else "")
            self.fields[f"variant_{line.pk}"] = forms.TypedChoiceField(
                label=_("Instead of %(name)s") % {"name": name},
                choices=[
                    ("", _("Keep this one")),
                    *((c.variant_id, choice_label(c)) for c in offer.choices),
                ],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"quantity_{line.pk}"] = forms.IntegerField(
                label=_("How many of %(name)s") % {"name": name},
                min_value=1,
                max_value=offer.left,
                initial=1,
                required=False,
                help_text=_("Up to %(left)s") % {"left": offer.left},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def line_fields(self) -> list[tuple[ExchangeOffer, forms.BoundField, forms.BoundField]]:
        """Per item, its "instead" and "how many" fields, for the template."""
        return [
            (offer, self[f"variant_{offer.line.pk}"], self[f"quantity_{offer.line.pk}"])
            for offer in self.offers
        ]

    def items(self) -> list[ExchangeItem]:
        found = []
        for offer in self.offers:
            variant_id = self.cleaned_data.get(f"variant_{offer.line.pk}")
            if variant_id:
                quantity = self.cleaned_data.get(f"quantity_{offer.line.pk}") or 1
                found.append(ExchangeItem(offer.line.pk, quantity, variant_id))
        return found

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not self.items():
            raise forms.ValidationError(
                _("Choose at least one item and the size or colour you want instead.")
            )
        return cleaned
