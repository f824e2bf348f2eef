"""Loyalty points: an account per customer, signed keyed entries in expiring lots, and tiers.

Points are whole numbers. A credit (earned, returned, a positive adjustment) is a lot with an
expiry date; a debit (redeemed, reversed, expired, a negative adjustment) consumes the oldest
unexpired lots first and records what it took from each (`PointsAllocation`), so expiry writes
off exactly each lot's unspent remainder. The balance is the sum of the entries.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PointsAccount(models.Model):
    """A customer's loyalty points: the row to lock. Its balance is the sum of its entries."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="points_account"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        permissions = [("adjust_points", _("Can adjust loyalty points"))]

    def __str__(self) -> str:
        return str(self.user)

    def balance(self) -> int:
        return self.entries.aggregate(total=Sum("points"))["total"] or 0


class PointsEntry(models.Model):
    """One signed movement of points. Append-only; keyed by what caused it."""

    class Kind(models.TextChoices):
        EARNED = "earned", _("Earned on a delivered order")
        REVERSED = "reversed", _("Taken back for a refund")
        REDEEMED = "redeemed", _("Redeemed at checkout")
        RETURNED = "returned", _("Redemption returned")
        EXPIRED = "expired", _("Expired")
        ADJUSTMENT = "adjustment", _("Adjustment by staff")

    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    points = models.IntegerField(_("points"))
    # What caused it ("earn:order-5", "reverse:refund-3", "redeem:order-9", "expire:lot-12").
    key = models.CharField(max_length=120, unique=True)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_entries",
    )
    # A credit is a lot: it expires at this moment unless spent before (debits have none).
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # The money the entry was computed from (the order's spend, the refunded amount).
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="payments_points_account_idx"),
            models.Index(
                fields=["expires_at"],
                name="payments_points_lot_idx",
                condition=Q(points__gt=0),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="payments_points_not_zero"),
            models.CheckConstraint(
                condition=Q(points__lt=0) | Q(expires_at__isnull=False),
                name="payments_points_credit_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Points entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> None:
        raise ValueError("Points entries are append-only.")


class PointsAllocation(models.Model):
    """How many points a debit took from one credit lot (append-only, like the entries)."""

    debit = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="allocations")
    lot = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="consumed_by")
    points = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("points taken from a lot")
        verbose_name_plural = _("points taken from lots")
        constraints = [
            models.UniqueConstraint(fields=["debit", "lot"], name="payments_points_alloc_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="payments_points_alloc_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.points} ← lot {self.lot_id}"


class LoyaltyTier(models.Model):
    """A level reached by 12-month spend, with its benefits; staff edit them in the admin."""

    name = models.CharField(_("name"), max_length=60)
    min_spend = models.DecimalField(
        _("12-month spend from"), max_digits=12, decimal_places=2, unique=True
    )
    points_multiplier = models.DecimalField(
        _("points multiplier"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    free_shipping = models.BooleanField(_("free shipping"), default=False)

    class Meta:
        verbose_name = _("loyalty tier")
        verbose_name_plural = _("loyalty tiers")
        ordering = ["min_spend"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points_multiplier__gt=0), name="payments_tier_multiplier_pos"
            ),
            models.CheckConstraint(condition=Q(min_spend__gte=0), name="payments_tier_spend_ok"),
        ]

    def __str__(self) -> str:
        return self.name
