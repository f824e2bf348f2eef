"""Staff forms for money actions in the admin; they only validate, services act."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)
    # One key per rendered form: submitted twice (a double click, a resend), it refunds once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)


class ECheckDecisionForm(forms.Form):
    CLEAR, BOUNCE, RETURN = "clear", "bounce", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CLEAR, _("The money arrived: clear it")),
            (BOUNCE, _("The check bounced")),
            (RETURN, _("The bank returned the cleared check")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why it bounced or was returned"), max_length=200, required=False
    )


class ResolveForm(forms.Form):
    """Resolve a flagged payment: accept what was taken, or say what was really taken."""

    ACCEPT, CORRECT = "accept", "correct"
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=[
            (ACCEPT, _("Accept what was taken (more than due is refunded, less is asked for)")),
            (CORRECT, _("Correct the amount taken (the recorded amount was wrong)")),
        ],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Amount really taken (for a correction)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)
    key = forms.CharField(widget=forms.HiddenInput, max_length=60, required=False)


class PayoutForm(forms.Form):
    reference = forms.CharField(label=_("Bank transfer reference"), max_length=120)


class CashCollectedForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount the courier collected"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
