from django import forms

from .models import User
from .phones import clean_mobile, format_mobile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language", "time_zone"]
        widgets = {
            "phone": forms.TextInput(
                attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "0532 123 45 67"}
            ),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.phone and not self.is_bound:
            self.initial["phone"] = format_mobile(self.instance.phone)

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))
