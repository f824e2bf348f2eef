"""The segment builder in the admin through the test client: the live count, the no-JS buttons,
saving, validation messages in both languages, permissions and pinned query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone, translation

from crm.models import CustomerStats, Segment
from crm.segments.exceptions import SegmentInUse
from crm.segments.services import segment_delete, segment_recount, segment_save
from shop.models import AuditEntry, User
from tests.factories import StaffFactory, UserFactory, make_category

pytestmark = pytest.mark.django_db


def _staff(*codenames: str) -> User:
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def customers() -> list[User]:
    """Five customers with 0..4 orders (one inactive with 4: never a member)."""
    made = []
    for orders in range(5):
        user = UserFactory(is_active=orders != 4)
        CustomerStats.objects.create(
            user=user, orders_count=orders, lifetime_value=Decimal(orders * 100)
        )
        made.append(user)
    StaffFactory()  # staff are never members
    return made


def _form(*rows: dict, match: str = "all", inner: str = "any", **extra) -> dict:
    data = {"rows": str(len(rows)), "match": match, "inner_match": inner, **extra}
    for n, row in enumerate(rows):
        data.update({f"c{n}-{key}": value for key, value in row.items()})
    return data


def _url(name: str, *args, language: str = "tr") -> str:
    with translation.override(language):
        return reverse(f"admin:crm_segment_{name}", args=args)


def test_the_live_count_answers_a_fragment_with_the_members(
    client, customers, django_assert_max_num_queries
):
    client.force_login(_staff("view_segment"))
    data = _form({"field": "orders_count", "low": "2", "place": "main"})
    with django_assert_max_num_queries(9):  # session, user, perms, 2 choices, the count
        response = client.post(_url("count"), data)
    assert response.status_code == 200
    assert "2 üye" in response.content.decode()
    either = _form(
        {"field": "orders_count", "high": "0", "place": "main"},
        {"field": "orders_count", "low": "3", "place": "main"},
        match="any",
    )
    assert "2 üye" in client.post(_url("count"), either).content.decode()


def test_a_nested_group_counts_as_one_condition(client, customers):
    client.force_login(_staff("view_segment"))
    # Spent 100 or more AND (exactly 1 order OR 3 or more): customers with 1 and 3 orders.
    data = _form(
        {"field": "total_spend", "low": "100", "place": "main"},
        {"field": "orders_count", "low": "1", "high": "1", "place": "inner"},
        {"field": "orders_count", "low": "3", "place": "inner"},
    )
    assert "2 üye" in client.post(_url("count"), data).content.decode()
    data["inner_match"] = "all"
    assert "0 üye" in client.post(_url("count"), data).content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("tr", "Alt sınır üst sınırdan büyük."),
        ("en", "The lower bound is above the upper bound."),
    ],
)
def test_a_bad_condition_is_named_in_the_staff_members_language(client, language, message):
    client.force_login(_staff("view_segment", "manage_segments"))
    data = _form({"field": "age", "low": "40", "high": "30", "place": "main"}, name="Ters")
    assert message in client.post(_url("count", language=language), data).content.decode()
    page = client.post(_url("add", language=language), {**data, "save": "1"})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Segment.objects.exists()


def test_without_js_the_buttons_add_and_remove_rows_and_count(client, customers):
    client.force_login(_staff("view_segment", "manage_segments"))
    page = client.get(_url("add"))
    assert page.content.decode().count("data-row=") == 1
    data = _form({"field": "orders_count", "low": "1", "place": "main"}, name="A")
    added = client.post(_url("add"), {**data, "add": "inner"}).content.decode()
    assert added.count("data-row=") == 2
    assert 'name="c1-place"' in added and "Bir değer seçin" not in added  # no error yet
    removed = client.post(
        _url("add"), {**_form({"field": "gender"}, {"field": "orders_count"}), "remove": "0"}
    ).content.decode()
    assert removed.count("data-row=") == 1
    assert '<option value="orders_count" selected>' in removed
    counted = client.post(_url("add"), {**data, "count": "1"}).content.decode()
    assert "3 üye" in counted and not Segment.objects.exists()


def test_saving_stores_the_rules_built_from_the_fields_and_the_count(client, customers):
    staff = _staff("view_segment", "manage_segments")
    client.force_login(staff)
    shoes = make_category("Ayakkabı")
    data = _form(
        {"field": "orders_count", "low": "1", "place": "main"},
        {"field": "gender", "genders": ["female", "other"], "place": "inner"},
        {"field": "bought_in_category", "category": str(shoes.pk), "place": "inner"},
        {"field": "signed_up", "after": "2026-01-01", "place": "main"},
        {"field": "", "place": "main"},  # an empty row is left out
        name="Sadık müşteriler",
        description="En az bir sipariş",
    )
    response = client.post(_url("add"), {**data, "save": "1"})
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.rules == {
        "match": "all",
        "rules": [
            {"field": "orders_count", "min": 1, "max": None},
            {"field": "signed_up", "after": "2026-01-01", "before": None},
            {
                "match": "any",
                "rules": [
                    {"field": "gender", "values": ["female", "other"]},
                    {"field": "bought_in_category", "category": shoes.pk},
                ],
            },
        ],
    }
    assert (segment.name, segment.created_by, segment.member_count) == (
        "Sadık müşteriler",
        staff,
        0,
    )
    assert AuditEntry.objects.filter(action="segment.create", object_id=str(segment.pk)).exists()
    listing = client.get(_url("changelist")).content.decode()
    assert "Sadık müşteriler" in listing

    # The change page shows the saved rows; saving again changes the segment.
    page = client.get(_url("change", segment.pk)).content.decode()
    assert page.count("data-row=") == 4
    assert '<option value="bought_in_category" selected>' in page
    assert "0 üye" in page  # counted now, on opening
    edited = _form({"field": "orders_count", "low": "3", "place": "main"}, name="Sadık")
    assert client.post(_url("change", segment.pk), {**edited, "save": "1"}).status_code == 302
    segment.refresh_from_db()
    assert (segment.name, segment.member_count) == ("Sadık", 1)


def test_a_name_is_needed_and_taken_once(client, customers):
    client.force_login(_staff("view_segment", "manage_segments"))
    segment_save(name="Herkes", rules=_rules(), staff=None)
    data = _form({"field": "orders_count", "low": "0", "place": "main"})
    missing = client.post(_url("add"), {**data, "save": "1"}).content.decode()
    assert "Segmente bir ad verin." in missing
    taken = client.post(_url("add", language="en"), {**data, "name": "herkes", "save": "1"})
    assert "A segment named “herkes” exists already." in taken.content.decode()
    empty = client.post(
        _url("add", language="en"), {**_form({"field": ""}), "name": "B", "save": 1}
    )
    assert "Add at least one condition." in empty.content.decode()
    assert Segment.objects.count() == 1


def test_looking_needs_view_and_saving_needs_the_manage_permission(client, customers):
    segment = segment_save(name="Biri", rules=_rules(), staff=None)
    viewer = _staff("view_segment")
    client.force_login(viewer)
    assert client.get(_url("changelist")).status_code == 200
    page = client.get(_url("change", segment.pk))
    assert page.status_code == 200 and 'name="save"' not in page.content.decode()
    data = _form({"field": "orders_count", "low": "3", "place": "main"}, name="Değişti")
    assert client.post(_url("change", segment.pk), {**data, "save": "1"}).status_code == 403
    assert client.get(_url("add")).status_code == 403
    assert client.post(_url("delete", segment.pk), {"post": "yes"}).status_code == 403
    segment.refresh_from_db()
    assert segment.name == "Biri"

    client.force_login(_staff("view_order"))
    assert client.post(_url("count"), data).status_code == 403
    assert client.get(_url("changelist")).status_code == 403


def test_deleting_goes_through_the_service_and_refuses_a_segment_in_use(monkeypatch, customers):
    segment = segment_save(name="Silinecek", rules=_rules(), staff=None)

    def protected(*args, **kwargs):
        raise ProtectedError("used", [Segment(name="Kampanya: Bahar")])

    monkeypatch.setattr(Segment, "delete", protected)
    with pytest.raises(SegmentInUse, match="Silinecek"):
        segment_delete(segment=segment, staff=None)
    monkeypatch.undo()
    assert Segment.objects.filter(pk=segment.pk).exists()
    segment_delete(segment=segment, staff=None)
    assert not Segment.objects.exists()
    assert AuditEntry.objects.filter(action="segment.delete").exists()


def test_recount_stores_todays_figure(customers):
    segment = segment_save(name="Sayılan", rules=_rules(), staff=None)
    assert segment.member_count == 4
    customers[0].is_active = False
    customers[0].save()
    assert segment_recount(segment=segment).member_count == 3


def test_the_list_shows_the_count_within_a_pinned_number_of_queries(
    client, django_assert_max_num_queries
):
    for n in range(5):
        segment_save(name=f"Segment {n}", rules=_rules(), staff=None)
    client.force_login(_staff("view_segment"))
    with django_assert_max_num_queries(8):
        page = client.get(_url("changelist"))
    assert page.content.decode().count("Segment ") >= 5
    # The builder of a saved segment: its rows, the choices and today's count.
    with django_assert_max_num_queries(9):
        builder = client.get(_url("change", Segment.objects.first().pk))
    assert "0 üye" in builder.content.decode()


def _rules() -> dict:
    return {"match": "all", "rules": [{"field": "orders_count", "min": 0}]}


def test_rules_made_elsewhere_with_more_groups_are_flagged_before_saving(client, customers):
    two_groups = {
        "match": "any",
        "rules": [
            {"match": "all", "rules": [{"field": "orders_count", "min": 1}]},
            {"match": "all", "rules": [{"field": "orders_count", "max": 0}]},
        ],
    }
    segment = segment_save(name="Elden", rules=two_groups, staff=None)
    client.force_login(_staff("view_segment", "manage_segments"))
    page = client.get(_url("change", segment.pk, language="en")).content.decode()
    assert "saving here replaces them with the rows below" in page
    plain = segment_save(name="Düz", rules=_rules(), staff=None)
    assert "saving here" not in client.get(_url("change", plain.pk, language="en")).content.decode()
    # No condition yet: the live count shows every member.
    assert "4 üye" in client.post(_url("count"), _form({"field": ""})).content.decode()


def test_the_builder_targets_overdue_customers_by_churn_risk(client):
    """The dashboard's overdue list as a segment: "churn risk from 1,5" (a Turkish decimal)."""
    now = timezone.now()
    overdue = UserFactory()  # a 30-day gap, 45 days ago: risk 1.5
    CustomerStats.objects.create(
        user=overdue,
        orders_count=3,
        first_order_at=now - timedelta(days=105),
        last_order_at=now - timedelta(days=45),
    )
    regular = UserFactory()  # the same gap, 20 days ago: risk 0.67
    CustomerStats.objects.create(
        user=regular,
        orders_count=3,
        first_order_at=now - timedelta(days=80),
        last_order_at=now - timedelta(days=20),
    )
    client.force_login(_staff("view_segment", "manage_segments"))
    data = _form({"field": "churn_risk", "low": "1,5", "place": "main"}, name="Geciken")
    assert "1 üye" in client.post(_url("count"), data).content.decode()
    assert client.post(_url("add"), {**data, "save": "1"}).status_code == 302
    segment = Segment.objects.get()
    assert segment.rules["rules"] == [{"field": "churn_risk", "min": "1.50", "max": None}]
    assert segment.member_count == 1
    page = client.get(_url("change", segment.pk)).content.decode()
    assert '<option value="churn_risk" selected>' in page
