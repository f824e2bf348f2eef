"""The product page's "tell me when it is back" form, checked on the crm side."""

from django import forms
from django.utils.translation import gettext_lazy as _


class StockAlertForm(forms.Form):
    variant = forms.IntegerField(min_value=1)
    email = forms.EmailField(label=_("Your email address"), max_length=254, required=False)

    def __init__(self, *args: object, signed_in: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = not signed_in

    def problem(self) -> tuple[str, int]:
        """What to tell the shopper about the first thing wrong, with the answer's status."""
        if "variant" in self.errors:
            return str(_("We could not find this product.")), 404
        if "email" in self.errors:
            return str(_("Enter a valid email address, like name@example.com.")), 400
        return str(_("Please check the form and try again.")), 400
