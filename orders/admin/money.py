"""Money on the order's screen: its payment attempts, every ledger row, and the links to the
money actions (refund, cash collected, resolve) each behind its own payments permission.

The actions themselves live in the payments admin; nothing here moves money.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from payments.models import Payment
from payments.states import REFUNDABLE, PaymentStatus
from shop.money import format_money

from .inlines import HistoryInline


class PaymentInline(HistoryInline):
    """The order's payment attempts and every ledger row of each (money moves elsewhere)."""

    model = Payment
    fields = ["attempt", "method", "status", "amount", "refundable_now", "ledger", "money_actions"]
    verbose_name_plural = _("payments and their ledger")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        # Inline instances are made per request: the money actions this user may take.
        self.allowed = {
            name
            for name in ("refund_payment", "record_cash", "resolve_payment")
            if request.user.has_perm(f"payments.{name}")
        }
        return super().get_queryset(request).prefetch_related("events")

    @admin.display(description=_("money actions"))
    def money_actions(self, payment: Payment) -> str:
        """Refund (amount and reason) or record the cash collected, each with its permission."""
        allowed = getattr(self, "allowed", set())
        links = []
        if "refund_payment" in allowed and payment.status in REFUNDABLE:
            url = reverse("admin:payments_payment_refund", args=[payment.pk]) + "?from=order"
            links.append((url, f"refund-{payment.pk}", _("Refund…")))
        if "record_cash" in allowed and payment.status == PaymentStatus.COD_DUE:
            url = reverse("admin:payments_payment_cash", args=[payment.pk]) + "?from=order"
            links.append((url, f"cash-{payment.pk}", _("Record cash collected…")))
        if "resolve_payment" in allowed and payment.needs_review:
            url = reverse("admin:payments_payment_resolve", args=[payment.pk]) + "?from=order"
            links.append((url, f"resolve-{payment.pk}", _("Resolve…")))
        if not links:
            return "—"
        return format_html_join(" ", '<a class="button" href="{}" id="{}">{}</a>', links)

    @admin.display(description=_("attempt"))
    def attempt(self, payment: Payment) -> str:
        url = reverse("admin:payments_payment_change", args=[payment.pk])
        return format_html('<a href="{}">#{}</a>', url, payment.pk)

    @admin.display(description=_("refundable"))
    def refundable_now(self, payment: Payment) -> str:
        return format_money(payment.refundable(), payment.currency)

    @admin.display(description=_("ledger"))
    def ledger(self, payment: Payment) -> str:
        rows = [
            (
                e.created_at.strftime("%Y-%m-%d %H:%M"),
                e.get_kind_display(),
                format_money(e.amount, e.currency),
            )
            for e in payment.events.all()
        ]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), "{} · {} · {}", rows)
