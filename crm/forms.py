"""CRM forms: marketing consent at sign-up and on the account page; the customer's profile."""

from django import forms
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from catalog.models import Category
from crm.models import CustomerProfile
from crm.models.profile import MAX_INTEREST_TAGS, normalise_interest_tags, validate_interest_tags
from crm.notifications.models import Channel, Consent
from crm.notifications.selectors import consents_current
from shop import widgets
from shop.models import User
from shop.net import client_ip

from . import services

CONSENT_CHANNELS = {
    "email_marketing": Channel.EMAIL,
    "sms_marketing": Channel.SMS,
    "phone_marketing": Channel.PHONE,
    "whatsapp_marketing": Channel.WHATSAPP,
}

# Nothing is sent on these channels until a provider exists: the boxes say so.
NO_CALLS_YET = _(
    "We only record this choice for now: we make no marketing calls yet, and will tell you "
    "before we start."
)
NO_WHATSAPP_YET = _(
    "We only record this choice for now: we send no WhatsApp messages yet, and will tell you "
    "before we start."
)


class MarketingConsentFields(forms.Form):
    email_marketing = forms.BooleanField(
        label=_("Send me offers and news by email"), required=False
    )
    sms_marketing = forms.BooleanField(label=_("Send me offers and news by SMS"), required=False)
    phone_marketing = forms.BooleanField(
        label=_("You may call me with offers and news"), required=False, help_text=NO_CALLS_YET
    )
    whatsapp_marketing = forms.BooleanField(
        label=_("Send me offers and news by WhatsApp"),
        required=False,
        help_text=NO_WHATSAPP_YET,
    )

    def granted(self) -> dict[str, bool]:
        """The choice per channel, from a valid form."""
        return {
            channel: bool(self.cleaned_data.get(field))
            for field, channel in CONSENT_CHANNELS.items()
        }


class SignupConsentForm(MarketingConsentFields):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS); every box starts unticked."""

    def signup(self, request: HttpRequest, user: User) -> None:
        services.marketing_consent_record(
            user=user,
            granted=self.granted(),
            source=Consent.Source.SIGNUP,
            ip_address=client_ip(request),
        )


class ConsentForm(MarketingConsentFields):
    @classmethod
    def for_user(cls, user: User, data: dict | None = None) -> "ConsentForm":
        current = consents_current(user=user)
        initial = {
            field: bool(channel in current and current[channel].granted)
            for field, channel in CONSENT_CHANNELS.items()
        }
        return cls(data, initial=initial)


class InterestTagsField(forms.CharField):
    """Free interests typed as one line, separated by commas; cleaned to a short list."""

    def to_python(self, value: object) -> list[str]:
        text = super().to_python(value)
        return normalise_interest_tags(text.split(","), language=translation.get_language() or "")

    def prepare_value(self, value: object) -> object:
        return ", ".join(value) if isinstance(value, list) else value

    def validate(self, value: list[str]) -> None:
        validate_interest_tags(value)


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        """Subcategories indented under their parent, readable without styles."""
        return f"{'— ' * (obj.depth - 1)}{obj.name}"


class ProfileForm(forms.ModelForm):
    """The profile page; the view saves through `services.profile_update`, never `save()`."""

    interest_categories = CategoryChoiceField(
        queryset=Category.objects.filter(is_active=True).order_by("path"),
        label=_("Interests from our catalogue"),
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    interest_tags = InterestTagsField(label=_("Other interests"), required=False, max_length=400)

    class Meta:
        model = CustomerProfile
        fields = [
            "birth_date",
            "gender",
            "gender_in_offers",
            "city",
            "interest_categories",
            "interest_tags",
            "preferred_channel",
        ]
        widgets = {
            "birth_date": forms.DateInput(
                format="%Y-%m-%d", attrs={"type": "date", "autocomplete": "bday"}
            ),
            "gender": widgets.RadioSelect,
            # 81 provinces and the channels: Django's widgets render a template per option.
            "city": widgets.Select,
            "preferred_channel": widgets.Select,
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interest_tags"].help_text = _(
            "Up to %(max)d, separated by commas, e.g. running, coffee, board games."
        ) % {"max": MAX_INTEREST_TAGS}
        self.fields["gender"].choices = [("", _("Not given")), *self.fields["gender"].choices[1:]]
        self.fields["city"].choices = [("", _("Not given")), *self.fields["city"].choices[1:]]
        self.fields["preferred_channel"].choices = [
            ("", _("No preference")),
            *self.fields["preferred_channel"].choices[1:],
        ]

    def changes(self) -> dict:
        """The cleaned values, as `profile_update` takes them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
