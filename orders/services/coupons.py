"""Personal coupons: one customer's single-use code, made once per occasion (its issue key)."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.audit import audit_record
from shop.models import User
from shop.money import ZERO, to_money

from ..exceptions import CouponIssueRefused
from ..models import Coupon, CouponKind

# No 0/O or 1/I: the code is read out on the phone and typed from an email.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def coupon_issue_personal(
    *,
    user: User,
    kind: str,
    value: Decimal,
    valid_days: int,
    reason: str,
    issue_key: str,
    issued_by: User | None = None,
    min_basket: Decimal = ZERO,
) -> Coupon:
    """A single-use coupon for `user` only, valid from now for `valid_days` days.

    `issue_key` names the occasion ("birthday:2027:42", "goodwill:ticket:7"): issuing again with
    the same key (a retried job, a double click, two workers at once) returns the coupon made the
    first time. A staff member's issue (`issued_by`) is written to the audit trail.
    """
    issue_key = (issue_key or "").strip()
    if not issue_key:
        raise CouponIssueRefused(_("A personal coupon needs an issue key."))
    existing = _by_key(issue_key, user=user)
    if existing is not None:
        return existing
    value = to_money(Decimal(value))
    _check(kind=kind, value=value, valid_days=valid_days, min_basket=Decimal(min_basket))
    now = timezone.now()
    for _attempt in range(5):
        coupon = Coupon(
            code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
            kind=kind,
            value=ZERO if kind == CouponKind.FREE_SHIPPING else value,
            min_basket=to_money(Decimal(min_basket)),
            starts_at=now,
            ends_at=now + timedelta(days=valid_days),
            max_uses=1,
            max_uses_per_customer=1,
            user=user,
            issue_key=issue_key,
            reason=(reason or "")[:200],
            issued_by=issued_by,
        )
        try:
            with transaction.atomic():
                coupon.save(force_insert=True)
                if issued_by is not None:
                    audit_record(
                        actor=issued_by,
                        action="coupon_issue_personal",
                        target=coupon,
                        reason=reason,
                        details={
                            "customer": user.pk,
                            "kind": kind,
                            "value": coupon.value,
                            "valid_days": valid_days,
                            "issue_key": issue_key,
                        },
                    )
            return coupon
        except IntegrityError:
            # Another issue with this key won (it waited on the unique index), or, rarely,
            # the random code was taken: then try another code.
            existing = _by_key(issue_key, user=user)
            if existing is not None:
                return existing
    raise CouponIssueRefused(_("Something went wrong; please try again."))


def _by_key(issue_key: str, *, user: User) -> Coupon | None:
    existing = Coupon.objects.filter(issue_key=issue_key).first()
    if existing is not None and existing.user_id != user.pk:
        # A key names one customer's occasion: reusing it for another is a caller's bug.
        raise CouponIssueRefused(_("This issue key was already used for another customer."))
    return existing


def _check(*, kind: str, value: Decimal, valid_days: int, min_basket: Decimal) -> None:
    if kind not in CouponKind.values:
        raise CouponIssueRefused(_("Choose the kind of coupon."))
    if kind != CouponKind.FREE_SHIPPING and value <= 0:
        raise CouponIssueRefused(_("Enter a coupon value above zero."))
    if kind == CouponKind.PERCENT and value > 100:
        raise CouponIssueRefused(_("A percentage coupon can take off at most 100 percent."))
    if valid_days < 1:
        raise CouponIssueRefused(_("A coupon must be valid for at least one day."))
    if min_basket < 0:
        raise CouponIssueRefused(_("The minimum basket cannot be negative."))
