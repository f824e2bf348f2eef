"""The site's complaint form and the customer's reply box (no JavaScript needed)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from orders.forms import TrackForm

from .services.attachments import photos_checked
from .services.tickets import BODY_MAX
from .states import Category, Outcome


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one <input type="file" multiple>; checked together (photos_checked)."""

    def __init__(self, **kwargs: object) -> None:
        widget = MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        super().__init__(widget=widget, required=False, **kwargs)

    def clean(self, data: object, initial: object = None) -> list:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        files = [super(PhotosField, self).clean(item, initial) for item in files]
        return photos_checked(files)


def photos_label() -> str:
    return _("Photos (optional, up to %(count)d; JPEG, PNG or WebP)") % {
        "count": settings.COMPLAINTS_ATTACHMENTS_PER_MESSAGE
    }


class ComplaintForm(forms.Form):
    """What happened, what the customer would like, and (for a guest) how to reach them; the
    order by its number, its items when the order is known."""

    category = forms.ChoiceField(
        label=_("What is it about?"), choices=[("", "—"), *Category.choices]
    )
    desired_outcome = forms.ChoiceField(
        label=_("What would you like us to do?"),
        choices=[("", _("Just let you know")), *Outcome.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    order_number = forms.CharField(
        label=_("Order number (if it is about an order)"),
        max_length=TrackForm.NUMBER_MAX_LENGTH,
        required=False,
    )
    lines = forms.MultipleChoiceField(
        label=_("Which items?"), required=False, widget=forms.CheckboxSelectMultiple
    )
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Mobile phone (optional)"), max_length=20, required=False)
    photos = PhotosField()

    def __init__(self, *args: object, signed_in: bool, line_choices=(), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].label = photos_label()
        self.fields["lines"].choices = list(line_choices)
        if not line_choices:
            del self.fields["lines"]
        if signed_in:
            for name in ("name", "email", "phone"):
                del self.fields[name]
        else:
            self.fields["email"].required = True


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].label = photos_label()
