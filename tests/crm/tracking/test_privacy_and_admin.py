"""A customer's tracking rows are in their data export and go with their erasure; staff read
the daily counts in the admin, with the view permission only."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from crm.models import EventKind, TrackingDaily, TrackingEvent
from crm.privacy.selectors import privacy_export
from crm.privacy.services import account_erase
from tests.factories import ProductFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_customers_rows_and_erasure_deletes_them():
    user, other = UserFactory(), UserFactory()
    product = ProductFactory()
    TrackingEvent.objects.create(
        visitor_id="a" * 32, user=user, kind=EventKind.PRODUCT_VIEW, product=product
    )
    TrackingEvent.objects.create(
        visitor_id="a" * 32, user=user, kind=EventKind.SEARCH, query="çay", results=2
    )
    TrackingEvent.objects.create(
        visitor_id="b" * 32, user=other, kind=EventKind.PAGE_VIEW, path="/"
    )
    rows = privacy_export(user=user)["tracking"]
    assert [(row["kind"], row["product_id"], row["query"]) for row in rows] == [
        ("product_view", product.pk, ""),
        ("search", None, "çay"),
    ]
    assert account_erase(user=user).counts["tracking"] == 2
    assert list(TrackingEvent.objects.values_list("user", flat=True)) == [other.pk]


def test_staff_read_the_daily_counts_with_the_view_permission_and_change_nothing():
    TrackingDaily.objects.create(
        day=date(2027, 3, 1), kind=EventKind.PAGE_VIEW, path="/en/products/", events=7, visitors=3
    )
    staff = StaffFactory(is_superuser=False)
    client = Client()
    client.force_login(staff)
    url = "/en/admin/crm/trackingdaily/"
    assert client.get(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_trackingdaily"))
    page = client.get(url)
    assert page.status_code == 200
    assert "/en/products/" in page.text
    row = TrackingDaily.objects.get()
    assert client.get(f"{url}{row.pk}/change/").status_code == 200  # read-only view
    assert client.post(f"{url}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{url}add/").status_code == 403
    assert TrackingDaily.objects.count() == 1
