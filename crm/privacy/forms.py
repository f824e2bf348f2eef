from django import forms
from django.utils.translation import gettext_lazy as _

from shop.models import User


class ErasureConfirmForm(forms.Form):
    """Deleting the account is confirmed with the password (or, without one, the email)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            self.fields["password"] = forms.CharField(
                label=_("Type your email address to confirm"),
                widget=forms.EmailInput(attrs={"autocomplete": "off"}),
            )

    def clean_password(self) -> str:
        given = self.cleaned_data["password"]
        if self.user.has_usable_password():
            if not self.user.check_password(given):
                raise forms.ValidationError(_("This is not your password."))
        elif given.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("This is not your email address."))
        return given
