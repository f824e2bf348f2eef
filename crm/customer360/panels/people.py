"""Who the customer is and what crm knows: contact and consents, profile, figures,
interactions and notes, callbacks, personal coupons."""

from django.db.models import CharField, F, Q, StringAgg, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language

from crm.notifications.models import Channel, ConsentCurrent
from orders.models import Coupon
from shop.models import User

from ...models import Callback, CustomerProfile, CustomerStats, Interaction
from ...registry import (
    Rows,
)

# --- contact and consents -----------------------------------------------------------------------


def contact(user: User, limit: int) -> Rows:
    """Email, phone, language, time zone (already loaded with the customer), and the current
    consent per channel: the current-consent rows, in one query."""
    consents = {
        c.channel: c
        for c in ConsentCurrent.objects.filter(user_id=user.pk).only(
            "channel", "granted", "source", "updated_at"
        )
    }
    return {
        "consents": [(label, consents.get(value)) for value, label in Channel.choices],
    }


# --- profile ------------------------------------------------------------------------------------


def profile(user: User, limit: int) -> Rows:
    """What she told the shop about herself, with her catalogue interests' names: one query."""
    name = Coalesce(
        NullIf(F(f"interest_categories__name_{get_language_code()}"), Value("")),
        F("interest_categories__name_tr"),
        output_field=CharField(),
    )
    saved = (
        CustomerProfile.objects.filter(user_id=user.pk)
        .only("birth_date", "gender", "city", "interest_tags", "preferred_channel", "updated_at")
        .annotate(
            # StringAgg, not PostgreSQL's ArrayAgg: the 360 also runs on the embedded SQLite.
            category_names=StringAgg(
                name,
                Value(_NAMES_SEPARATOR),
                filter=Q(interest_categories__isnull=False),
                default="",
            )
        )
        .first()
    )
    if saved is not None:
        saved.category_names = sorted(filter(None, saved.category_names.split(_NAMES_SEPARATOR)))
    return {"profile": saved}


_NAMES_SEPARATOR = "\x1f"  # the unit separator: never in a category name


def get_language_code() -> str:
    language = (get_language() or "tr").split("-")[0]
    return language if language in ("tr", "en") else "tr"


# --- figures (CustomerStats) --------------------------------------------------------------------


def figures(user: User, limit: int) -> Rows:
    """The rollup row kept by the periodic job; never summed here."""
    stats = CustomerStats.objects.filter(user_id=user.pk).first()
    return {"stats": stats}


# --- interactions and notes, callbacks, personal coupons ---------------------------------------


def interactions(user: User, limit: int) -> Rows:
    """Her latest contacts and staff notes, with the agent's name and the order's number."""
    return list(
        Interaction.objects.filter(customer_id=user.pk)
        .select_related("agent", "order")
        .only(
            "channel",
            "direction",
            "summary",
            "outcome",
            "recording_ref",
            "created_at",
            "subject_type",
            "subject_id",
            "customer_id",
            "agent__email",
            "agent__first_name",
            "agent__last_name",
            "order__number",
            "order__user_id",
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def callbacks(user: User, limit: int) -> Rows:
    """ "Call me back" requests not answered yet, soonest due first."""
    return list(
        Callback.objects.filter(
            customer_id=user.pk, status__in=[Callback.Status.OPEN, Callback.Status.TAKEN]
        )
        .select_related("taken_by")
        .only(
            "phone",
            "topic",
            "order_number",
            "window_start",
            "window_end",
            "due_at",
            "status",
            "customer_id",
            "taken_by__email",
            "taken_by__first_name",
            "taken_by__last_name",
        )
        .order_by("due_at", "pk")[:limit]
    )


def coupons(user: User, limit: int) -> Rows:
    """Her personal coupons, newest first, each valid, used or expired."""
    rows = list(
        Coupon.objects.filter(user_id=user.pk)
        .select_related("issued_by")
        .only(
            "code",
            "kind",
            "value",
            "ends_at",
            "starts_at",
            "times_used",
            "max_uses",
            "is_active",
            "reason",
            "user_id",
            "issued_by__email",
        )
        .order_by("-pk")[:limit]
    )
    now = timezone.now()
    for coupon in rows:
        if coupon.max_uses is not None and coupon.times_used >= coupon.max_uses:
            coupon.state = "used"
        elif not coupon.is_active or (coupon.ends_at and coupon.ends_at <= now):
            coupon.state = "expired"
        else:
            coupon.state = "valid"
    return rows
