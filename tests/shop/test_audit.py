"""The audit trail: services record who did what; staff with its permission read it, per object
and per staff member; nobody edits it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from shop.audit import audit_record, audit_trail
from shop.models import AuditEntry, User

pytestmark = pytest.mark.django_db


def _staff(email: str, *perms: str) -> User:
    user = User.objects.create_user(email, "pw", is_staff=True)
    for perm in perms:
        app, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
    return user


def test_an_entry_names_its_object_actor_reason_and_exact_money():
    clerk = _staff("clerk@example.com")
    entry = audit_record(
        actor=clerk,
        action="refund.reserve",
        target=("payments.refund", 7),
        reason="Broken on arrival",
        details={"amount": Decimal("49.90")},
    )
    entry.refresh_from_db()
    assert (entry.actor, entry.object_type, entry.object_id) == (clerk, "payments.refund", "7")
    assert entry.details == {"amount": "49.90"}
    assert list(audit_trail(target=("payments.refund", 7))) == [entry]
    assert list(audit_trail(target=clerk)) == []  # a model instance names itself
    audit_record(actor=None, action="user.note", target=clerk)
    assert audit_trail(target=clerk).get().object_type == "shop.user"


def test_an_entry_rolled_back_with_its_action_is_not_kept():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="refund.reserve", target=("payments.refund", 1))
        raise RuntimeError("the refund failed")
    assert not AuditEntry.objects.exists()


def test_entries_cannot_be_changed_or_deleted():
    entry = audit_record(actor=None, action="a.b", target=("x", 1))
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


# Reasons long enough never to turn up by chance in a page (a CSRF token, a nonce).
ALICE, BOB = "Kargoda kırılmış", "Yanlış beden gönderilmiş"


def test_staff_read_the_trail_per_object_and_per_staff_member_only_with_its_permission(client):
    alice = _staff("alice@example.com")
    bob = _staff("bob@example.com")
    audit_record(actor=alice, action="refund.reserve", target=("payments.refund", 1), reason=ALICE)
    audit_record(actor=bob, action="refund.reserve", target=("payments.refund", 2), reason=BOB)
    url = "/admin/shop/auditentry/"

    client.force_login(_staff("nobody@example.com"))
    assert client.get(url).status_code == 403

    client.force_login(_staff("auditor@example.com", "shop.view_auditentry"))
    whole = client.get(url).content.decode()
    assert ALICE in whole and BOB in whole
    one_object = client.get(url, {"object_type": "payments.refund", "object_id": "2"})
    assert BOB in one_object.content.decode() and ALICE not in one_object.content.decode()
    by_alice = client.get(url, {"actor": str(alice.pk)}).content.decode()
    assert ALICE in by_alice and BOB not in by_alice
    entry = AuditEntry.objects.get(reason=ALICE)
    page = client.get(f"{url}{entry.pk}/change/")
    assert page.status_code == 200
    assert client.post(f"{url}{entry.pk}/delete/").status_code == 403
    assert AuditEntry.objects.count() == 2
