"""A segment's rules: their shape, their check, and the one SQL condition they become.

A rule set is a group: `{"match": "all" | "any", "rules": [...]}`, where each item is a rule
or another group. Rules (every bound optional, at least one given):

    {"field": "age", "min": 25, "max": 40}                  years, from the profile's birth date
    {"field": "gender", "values": ["female", "other"]}
    {"field": "city", "values": ["34", "06"]}               licence-plate codes
    {"field": "total_spend", "min": "500", "max": null}     lifetime value, TRY
    {"field": "orders_count", "min": 2, "max": 4}
    {"field": "days_since_last_order", "min": 90}           whole days; never ordered: no match
    {"field": "churn_risk", "min": "1.5"}                   days since the last order ÷ the
                                                            usual gap (docs/analytics.md), to 0.01
    {"field": "bought_in_category", "category": 12}         the category or its subcategories
    {"field": "loyalty_tier", "tiers": [1, 3]}              tier ids, by 12-month spend
    {"field": "rfm_group", "values": ["champions"]}
    {"field": "consent", "channel": "email"}                granted now
    {"field": "signed_up", "after": "2026-01-01", "before": "2026-06-30"}   both days included

Members are active accounts that are not staff (marketing needs consent, which needs an
account). Counting reads the per-customer figures row, the profile and the current-consent
rows in one query; customers are never loaded into Python.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category
from crm.notifications.models import Channel, ConsentCurrent
from orders.models import OrderLine
from orders.states import OrderStatus
from payments.models import LoyaltyTier
from shop.models import User

from ..analytics.churn_sql import rhythm, risk_at_least, risk_at_most, typical_gap_seconds
from ..models.profile import CITY_CHOICES, Gender
from ..models.stats import RfmGroup

MATCHES = ("all", "any")
MAX_DEPTH = 3
MAX_RULES = 30
# Orders that count as bought: accepted by their payment method and not cancelled.
NOT_COUNTED = (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED)
CONSENT_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.PHONE)


def members_base() -> QuerySet[User]:
    """Everyone a segment can hold: active customer accounts."""
    return User.objects.filter(is_active=True, is_staff=False)


def segment_queryset(rules: dict, *, now: datetime.datetime | None = None) -> QuerySet[User]:
    """The accounts matching `rules` (already clean) at `now`; one query when evaluated."""
    return members_base().filter(rules_condition(rules, now=now or timezone.now()))


def rules_condition(group: dict, *, now: datetime.datetime) -> Q:
    """The group as one condition on `User`."""
    parts = [
        rules_condition(item, now=now) if "match" in item else _RULES[item["field"]][1](item, now)
        for item in group.get("rules", [])
    ]
    if not parts:
        return Q()
    combined = parts[0]
    for part in parts[1:]:
        combined = (combined & part) if group["match"] == "all" else (combined | part)
    return combined


def rules_clean(data: object) -> dict:
    """The rules in their normal form; ValidationError with a message staff can act on."""
    counted = [0]
    return _clean_group(data, depth=1, counted=counted)


def _clean_group(data: object, *, depth: int, counted: list[int]) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(_("The rules must be a group of conditions."), code="shape")
    match = data.get("match", "all")
    if match not in MATCHES:
        raise ValidationError(_("Combine conditions with “all” or “any”."), code="match")
    items = data.get("rules", [])
    if not isinstance(items, list):
        raise ValidationError(_("The rules must be a group of conditions."), code="shape")
    if depth > MAX_DEPTH:
        raise ValidationError(
            _("Groups can be nested %(depth)d deep at most.") % {"depth": MAX_DEPTH},
            code="depth",
        )
    clean = []
    for item in items:
        counted[0] += 1
        if counted[0] > MAX_RULES:
            raise ValidationError(
                _("A segment can have %(max)d conditions at most.") % {"max": MAX_RULES},
                code="too_many",
            )
        if isinstance(item, dict) and "match" in item:
            clean.append(_clean_group(item, depth=depth + 1, counted=counted))
            continue
        field = item.get("field") if isinstance(item, dict) else None
        if field not in _RULES:
            raise ValidationError(_("Unknown condition: %(field)s.") % {"field": field}, "field")
        clean.append({"field": field, **_RULES[field][0](item)})
    return {"match": match, "rules": clean}


# Checks: each returns the rule's clean values (without "field").


def _number(item: dict, key: str, *, decimal: bool = False) -> int | str | None:
    value = item.get(key)
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ValidationError(
            _("“%(value)s” is not a number of zero or more.") % {"value": value}, "number"
        )
    if decimal:
        return str(number.quantize(Decimal("0.01")))
    if number != number.to_integral_value():
        raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": value}, "whole")
    return int(number)


def _range(item: dict, *, decimal: bool = False) -> dict:
    low, high = _number(item, "min", decimal=decimal), _number(item, "max", decimal=decimal)
    if low is None and high is None:
        raise ValidationError(_("Give a lower bound, an upper bound or both."), "bounds")
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        raise ValidationError(_("The lower bound is above the upper bound."), "bounds")
    return {"min": low, "max": high}


def _money_range(item: dict) -> dict:
    return _range(item, decimal=True)


def _choices(allowed: list[str]) -> Callable[[dict], dict]:
    def check(item: dict) -> dict:
        values = item.get("values")
        if not isinstance(values, list) or not values:
            raise ValidationError(_("Choose at least one value."), "values")
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown value: %(value)s.") % {"value": ", ".join(map(str, unknown))}, "values"
            )
        return {"values": sorted(set(values))}

    return check


def _category(item: dict) -> dict:
    pk = _number(item, "category")
    if pk is None or not Category.objects.filter(pk=pk).exists():
        raise ValidationError(_("Choose a category that exists."), "category")
    return {"category": pk}


def _tiers(item: dict) -> dict:
    tiers = item.get("tiers")
    if not isinstance(tiers, list) or not tiers:
        raise ValidationError(_("Choose at least one loyalty tier."), "tiers")
    ids = sorted({_number({"id": tier}, "id") for tier in tiers} - {None})
    if not ids or LoyaltyTier.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError(_("Choose loyalty tiers that exist."), "tiers")
    return {"tiers": ids}


def _channel(item: dict) -> dict:
    channel = item.get("channel")
    if channel not in CONSENT_CHANNELS:
        raise ValidationError(_("Choose a channel: email, SMS or phone."), "channel")
    return {"channel": channel}


def _day(item: dict, key: str) -> str | None:
    value = item.get(key)
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}, "date"
        ) from None


def _days(item: dict) -> dict:
    after, before = _day(item, "after"), _day(item, "before")
    if after is None and before is None:
        raise ValidationError(_("Give a first day, a last day or both."), "bounds")
    if after and before and after > before:
        raise ValidationError(_("The first day is after the last day."), "bounds")
    return {"after": after, "before": before}


# Conditions: each turns a clean rule into a Q on User.


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _age(rule: dict, now: datetime.datetime) -> Q:
    today = timezone.localdate(now, timezone.get_default_timezone())  # the shop's day
    condition = Q(crm_profile__birth_date__isnull=False)
    if rule["min"] is not None:  # at least `min` years old: born on or before that day
        condition &= Q(crm_profile__birth_date__lte=_years_before(today, rule["min"]))
    if rule["max"] is not None:  # not yet `max + 1`: born after that day
        condition &= Q(crm_profile__birth_date__gt=_years_before(today, rule["max"] + 1))
    return condition


def _between(path: str) -> Callable[[dict, datetime.datetime], Q]:
    def condition(rule: dict, now: datetime.datetime) -> Q:
        q = Q(**{f"{path}__isnull": False})
        if rule["min"] is not None:
            q &= Q(**{f"{path}__gte": Decimal(str(rule["min"]))})
        if rule["max"] is not None:
            q &= Q(**{f"{path}__lte": Decimal(str(rule["max"]))})
        return q

    return condition


def _in(path: str) -> Callable[[dict, datetime.datetime], Q]:
    return lambda rule, now: Q(**{f"{path}__in": rule["values"]})


def _days_since(rule: dict, now: datetime.datetime) -> Q:
    path = "customer_stats__last_order_at"
    q = Q(**{f"{path}__isnull": False})
    if rule["min"] is not None:  # at least `min` whole days ago
        q &= Q(**{f"{path}__lte": now - datetime.timedelta(days=rule["min"])})
    if rule["max"] is not None:  # fewer than `max + 1` days ago
        q &= Q(**{f"{path}__gt": now - datetime.timedelta(days=rule["max"] + 1)})
    return q


def _churn_risk(rule: dict, now: datetime.datetime) -> Q:
    """The dashboard's churn risk, the same SQL as its overdue list (one query more: the shop's
    typical gap, which one-order customers are measured against)."""
    parts = rhythm(now=now, typical_gap_seconds=typical_gap_seconds(), prefix="customer_stats__")
    q = parts.has_risk
    if rule["min"] is not None:
        q &= risk_at_least(parts, Decimal(rule["min"]))
    if rule["max"] is not None:
        q &= risk_at_most(parts, Decimal(rule["max"]))
    return q


def _bought_in(rule: dict, now: datetime.datetime) -> Q:
    path = Category.objects.filter(pk=rule["category"]).values_list("path", flat=True).first()
    if path is None:  # deleted since the segment was saved: nobody bought in it
        return Q(pk__in=[])
    lines = OrderLine.objects.filter(
        order__user=OuterRef("pk"), product__category__path__startswith=path
    ).exclude(order__status__in=NOT_COUNTED)
    return Q(Exists(lines))


def _tier(rule: dict, now: datetime.datetime) -> Q:
    """A tier holds whoever's 12-month spend reaches it but not the next one up."""
    tiers = list(LoyaltyTier.objects.order_by("min_spend").values_list("pk", "min_spend"))
    condition = Q(pk__in=[])
    for index, (pk, floor) in enumerate(tiers):
        if pk not in rule["tiers"]:
            continue
        band = Q(customer_stats__spend_12m__gte=floor)
        if index + 1 < len(tiers):
            band &= Q(customer_stats__spend_12m__lt=tiers[index + 1][1])
        condition |= band
    return condition


def _consent(rule: dict, now: datetime.datetime) -> Q:
    granted = ConsentCurrent.objects.filter(user=OuterRef("pk"), channel=rule["channel"])
    return Q(Exists(granted.filter(granted=True)))


def _signed_up(rule: dict, now: datetime.datetime) -> Q:
    zone = timezone.get_default_timezone()  # the shop's days, whoever is counting
    q = Q()
    if rule["after"]:
        start = datetime.datetime.combine(
            datetime.date.fromisoformat(rule["after"]), datetime.time()
        )
        q &= Q(date_joined__gte=timezone.make_aware(start, zone))
    if rule["before"]:
        last = datetime.date.fromisoformat(rule["before"]) + datetime.timedelta(days=1)
        q &= Q(
            date_joined__lt=timezone.make_aware(
                datetime.datetime.combine(last, datetime.time()), zone
            )
        )
    return q


# field -> (check, condition)
_RULES: dict[str, tuple[Callable[[dict], dict], Callable[[dict, datetime.datetime], Q]]] = {
    "age": (_range, _age),
    "gender": (_choices(Gender.values), _in("crm_profile__gender")),
    "city": (_choices([code for code, _name in CITY_CHOICES]), _in("crm_profile__city")),
    "total_spend": (_money_range, _between("customer_stats__lifetime_value")),
    "orders_count": (_range, _between("customer_stats__orders_count")),
    "days_since_last_order": (_range, _days_since),
    "churn_risk": (_money_range, _churn_risk),
    "bought_in_category": (_category, _bought_in),
    "loyalty_tier": (_tiers, _tier),
    "rfm_group": (_choices(RfmGroup.values), _in("customer_stats__rfm_group")),
    "consent": (_channel, _consent),
    "signed_up": (_days, _signed_up),
}
FIELDS = tuple(_RULES)
