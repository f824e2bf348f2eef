"""The staff ticket screen's small forms (each posts to its own admin URL, one service each) and
the staff intake form (a phone or call-centre complaint)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Team
from orders.models import Order
from shop.models import User
from shop.phones import normalize_phone

from ..services.tickets import BODY_MAX
from ..states import Category, Channel, Outcome, Priority, TicketStatus
from .selectors import assignable_agents


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the customer"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    """Offers the transitions allowed now; any status is accepted, so the door itself refuses
    one that is no longer allowed (a page left open while the ticket moved on) with its
    message."""

    to = forms.ChoiceField(label=_("New status"), choices=TicketStatus.choices)
    note = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)

    def __init__(self, *args: object, transitions: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)
        self.fields["to"].widget.choices = transitions
        self.offered = transitions


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Agent"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Blank with a team: the team's next agent is picked."),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = assignable_agents()
        self.fields["to"].label_from_instance = lambda user: user.get_full_name() or user.email
        self.fields["team"].queryset = Team.objects.only("pk", "name").order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and data.get("to") is None and data.get("team") is None:
            raise forms.ValidationError(_("Choose an agent or a team."))
        return data


class ReclassifyForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    note = forms.CharField(label=_("Why (optional)"), max_length=500, required=False)


STAFF_CHANNELS = [
    (Channel.PHONE, Channel.PHONE.label),
    (Channel.STORE, Channel.STORE.label),
    (Channel.EMAIL, Channel.EMAIL.label),
    (Channel.CHAT, Channel.CHAT.label),
]


class IntakeForm(forms.Form):
    """A complaint staff take on the phone, in the shop, by email or in the chat."""

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=[("", "---------"), *Category.choices]
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    desired_outcome = forms.ChoiceField(
        label=_("What the customer would like"),
        choices=[("", "---------"), *Outcome.choices],
        required=False,
    )
    order_number = forms.CharField(label=_("Order number (optional)"), required=False)
    subject = forms.CharField(label=_("Subject (optional)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What happened, in the customer's words"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    contact_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Email"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args: object, customer: User | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)
        self.customer = customer
        if customer is not None:  # an account: its own contact details are used
            for name in ("contact_name", "contact_email", "contact_phone"):
                del self.fields[name]

    def clean_order_number(self) -> Order | None:
        number = self.cleaned_data.get("order_number", "").strip().upper()
        if not number:
            return None
        order = Order.objects.filter(number=number).first()
        if order is None or not self._customers_order(order):
            raise forms.ValidationError(_("This is not an order of this customer."))
        return order

    def _customers_order(self, order: Order) -> bool:
        if self.customer is not None:
            return order.user_id == self.customer.pk
        email = (self.data.get("contact_email") or "").strip().lower()
        phone = (self.data.get("contact_phone") or "").strip()
        try:
            e164 = normalize_phone(phone) if phone else ""
        except forms.ValidationError:
            e164 = ""
        return bool(email and order.email.lower() == email) or bool(e164 and order.phone == e164)
