"""The erasure's refusals and steps: each runs inside the erasure's transaction, is safe to run
twice and returns a count; what goes over the network happens after commit."""

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.questions.services import questions_remove_of
from catalog.services import reviews_remove_of
from crm.chat.states import ChatEnd, ChatStatus
from crm.models import (
    Callback,
    ChatMessage,
    CustomerProfile,
    CustomerStats,
    GoodwillApproval,
)
from crm.notifications.models import Channel, Consent, ConsentCurrent, Message, Status
from crm.notifications.services.consent import consent_is_given, consent_set
from orders.models import Address, Coupon, CouponRedemption, Return
from payments.methods.wallet.services import saved_cards_forget_all
from payments.models import Tab
from payments.selectors import money_held
from payments.services.points import points_forfeit_all
from shop.models import User
from shop.money import ZERO, format_money

from .exceptions import ErasureRefused
from .export import callbacks_of_account, chats_of_account, interactions_of_account, messages_of

ERASED_EMAIL = "deleted-{id}@invalid"


def erased_email(user: User) -> str:
    return ERASED_EMAIL.format(id=user.pk)


# --- Erasure --------------------------------------------------------------------------------


def refuse_while_money_held(user: User, erasing: bool) -> str:
    """While erasing, the balance and the tab stay locked until the erasure commits."""
    held = money_held(user=user, lock=erasing)
    if held.balance != ZERO:
        return _(
            "Your prepaid balance is %(amount)s. Please spend it or ask us to refund it before "
            "deleting your account."
        ) % {"amount": format_money(held.balance)}
    if held.tab_status and (held.tab_status != Tab.Status.OPEN or held.tab_total > ZERO):
        return _(
            "Your tab has not been paid yet. Please pay it on the “My tab” page before deleting "
            "your account."
        )
    return ""


def refuse_staff(user: User, erasing: bool) -> str:
    if user.is_staff or user.is_superuser:
        return _("Staff accounts are closed by an administrator, not from this page.")
    return ""


def erase_consents(user: User) -> int:
    """Marketing stops at once: every channel withdrawn, recorded with the erasure as source.

    Runs before the email and phone are blanked, so each withdrawal names the address it was for.
    """
    withdrawn = 0
    for channel in Channel.values:
        if consent_is_given(user=user, channel=channel) and consent_set(
            user=user, channel=channel, granted=False, source=Consent.Source.ERASURE
        ):
            withdrawn += 1
    # The current row is a copy of the latest decision kept for counting audiences: the history
    # (kept above) is the proof, so the copy drops the address.
    ConsentCurrent.objects.filter(user=user).exclude(recipient="").update(recipient="")
    return withdrawn


def erase_messages(user: User) -> int:
    """Recipients and texts scrubbed; what was still waiting to go out never goes."""
    messages = messages_of(user)
    Message.objects.filter(
        pk__in=messages.filter(status__in=[Status.QUEUED, Status.DEFERRED]).values("pk")
    ).update(status=Status.SUPPRESSED, status_reason="account erased")
    return Message.objects.filter(pk__in=messages.values("pk")).update(
        recipient="", subject_line="", body_text="", body_html="", last_error=""
    )


def erase_addresses(user: User) -> int:
    removed, _per_model = Address.objects.filter(user=user).delete()
    return removed


def erase_saved_cards(user: User) -> int:
    return saved_cards_forget_all(user=user, customer_email=erased_email(user))


def erase_reviews(user: User) -> int:
    return reviews_remove_of(user_id=user.pk)


def erase_product_questions(user: User) -> int:
    return questions_remove_of(user_id=user.pk)


def erase_sign_in_addresses(user: User) -> int:
    """allauth's email addresses (and social accounts, if that app is ever installed)."""
    removed, _per_model = EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):
        social = apps.get_model("socialaccount", "SocialAccount")
        removed += social.objects.filter(user=user).delete()[0]
    return removed


def erase_coupon_redemptions(user: User) -> int:
    """A coupon use stays with its order; the email it was checked against is replaced."""
    return CouponRedemption.objects.filter(Q(user=user) | Q(order__user=user)).update(
        email=erased_email(user)
    )


def erase_profile(user: User) -> int:
    """Birth date, gender, city and interests: deleted (its interest links go with it)."""
    removed, _per_model = CustomerProfile.objects.filter(user=user).delete()
    return removed


def erase_interactions(user: User) -> int:
    """The contact's email and phone, what was said and the recording reference are blanked;
    that a contact happened (channel, outcome, agent, order, complaint link, time) stays."""
    return (
        interactions_of_account(user)
        .exclude(contact_email="", contact_phone="", summary="", recording_ref="")
        # A row about the account's order logged without the customer keeps naming someone
        # (crm_interaction_has_someone): the account, which no longer names anyone.
        .update(customer=user, contact_email="", contact_phone="", summary="", recording_ref="")
    )


def erase_callbacks(user: User) -> int:
    """Name and phone blanked; a request still waiting is closed, so nobody calls it."""
    callbacks = callbacks_of_account(user)
    callbacks.filter(status__in=[Callback.Status.OPEN, Callback.Status.TAKEN]).update(
        status=Callback.Status.FAILED, closed_at=timezone.now()
    )
    return callbacks.exclude(name="", phone="").update(name="", phone="")


def erase_chats(user: User) -> int:
    """What was written is deleted and the guest's email and name blanked (the row then names
    the account); one still open is ended, so no agent answers a deleted account. That a chat
    happened (when, how it ended, its rating, the complaint it became) stays."""
    now = timezone.now()
    chats = chats_of_account(user)
    ids = list(chats.values_list("pk", flat=True))
    ChatMessage.objects.filter(conversation_id__in=ids).delete()
    chats.exclude(status=ChatStatus.ENDED).update(
        status=ChatStatus.ENDED, ended_reason=ChatEnd.CUSTOMER, ended_at=now
    )
    return chats.update(customer=user, guest_email="", guest_name="", transcript_removed_at=now)


def erase_personal_coupons(user: User) -> int:
    """Unused personal coupons stop working and the staff's reasons are blanked (the audit trail
    keeps who issued what and why); a used coupon stays with its order."""
    coupons = Coupon.objects.filter(pk__in=_lock_skipping_busy(Coupon.objects.filter(user=user)))
    unused = Q(max_uses__isnull=True) | Q(times_used__lt=F("max_uses"))
    deactivated = coupons.filter(unused, is_active=True).update(is_active=False)
    coupons.exclude(reason="").update(reason="")
    return deactivated


def erase_goodwill_requests(user: User) -> int:
    """Requests still waiting for a lead are refused (nothing is given to an erased account) and
    the agents' reasons blanked (the audit trail keeps them)."""
    requests = GoodwillApproval.objects.filter(
        pk__in=_lock_skipping_busy(GoodwillApproval.objects.filter(customer=user))
    )
    refused = requests.filter(status=GoodwillApproval.Status.PENDING).update(
        status=GoodwillApproval.Status.REFUSED,
        decision_note="account erased",
        decided_at=timezone.now(),
    )
    requests.exclude(reason="").update(reason="")
    return refused


def _lock_skipping_busy(rows: QuerySet) -> list[int]:
    """Lock the rows no one else holds. The erasure already holds the balance (its refusal check)
    and a checkout takes a coupon before the balance: waiting here could deadlock. A row busy now
    is being used (a coupon redeemed, a request decided) and is left as that leaves it."""
    return list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True))


def erase_return_reasons(user: User) -> int:
    """The customer's own words on a return are blanked; its kind, reason code, lines, amounts
    and the staff's note stay with the order (the refund and credit note they explain).

    A return being refunded right now holds its lock and may be waiting for the balance this
    erasure holds: rather than wait into a deadlock, the erasure is refused until it is done."""
    returns = Return.objects.filter(order__user=user).exclude(reason="")
    try:
        with transaction.atomic():
            ids = list(
                returns.select_for_update(nowait=True, of=("self",)).values_list("pk", flat=True)
            )
    except OperationalError:
        raise ErasureRefused(
            _("One of your returns is being processed right now. Please try again in a minute.")
        ) from None
    return Return.objects.filter(pk__in=ids).update(reason="")


def erase_points(user: User) -> int:
    """Points are no money to pay back: what is held is written off (the statement stays)."""
    return 1 if points_forfeit_all(user=user, reason="account erased") else 0


def erase_customer_stats(user: User) -> int:
    removed, _per_model = CustomerStats.objects.filter(user=user).delete()
    return removed
