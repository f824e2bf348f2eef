"""What a worker keeps is shared by every request it serves: nothing writes to a kept row (or to
what it holds) once it is kept, whatever page, language or visitor reads it."""

from decimal import Decimal

import pytest
from django.db.models import Model
from django.test import Client

from catalog import services
from catalog.models import Attribute, AttributeValue
from shop.kept import Kept
from tests.factories import UserFactory, VariantFactory, add_image

pytestmark = pytest.mark.django_db


def _snapshot(value: object, depth: int = 0) -> object:
    """Everything a kept value holds, as plain data: a row's fields, its cached relations and
    prefetched rows (a few levels deep; relations point back to their rows)."""
    if isinstance(value, Model):
        if depth > 3:
            return (type(value).__name__, value.pk)
        fields = {
            name: _snapshot(field, depth + 1)
            for name, field in value.__dict__.items()
            if name not in ("_state", "_prefetched_objects_cache")
        }
        cached = value._state.fields_cache
        fields["(cached)"] = {name: _snapshot(row, depth + 1) for name, row in cached.items()}
        prefetched = getattr(value, "_prefetched_objects_cache", {})
        fields["(prefetched)"] = {
            name: [_snapshot(row, depth + 1) for row in rows] for name, rows in prefetched.items()
        }
        return (type(value).__name__, fields)
    if isinstance(value, list | tuple):
        return [_snapshot(item, depth) for item in value]
    if isinstance(value, dict):
        return {key: _snapshot(item, depth) for key, item in value.items()}
    return value


@pytest.fixture
def kept_as_put(monkeypatch) -> list[tuple[object, object]]:
    """Every value any store keeps, with what it held when it was kept."""
    kept: list[tuple[object, object]] = []
    put = Kept.put

    def recording_put(self: Kept, key: object, value: object) -> object:
        kept.append((value, _snapshot(value)))
        return put(self, key, value)

    monkeypatch.setattr(Kept, "put", recording_put)
    return kept


def test_no_page_writes_to_a_row_it_shares_with_other_requests(kept_as_put):
    variant = VariantFactory(price=Decimal("100.00"), on_hand=20)
    product = variant.product
    colour = Attribute.objects.create(code="colour", name_en="Colour", name_tr="Renk")
    red = AttributeValue.objects.create(
        attribute=colour, value_en="Red", value_tr="Kırmızı", slug_en="red", slug_tr="kirmizi"
    )
    variant.attribute_values.add(red)
    add_image(product)
    services.product_refresh_listing(product_id=product.pk)
    product.refresh_from_db()
    shopper = Client()
    shopper.force_login(UserFactory(verified=True))
    guest = Client()
    guest.post("/en/cart/add/", {"variant": variant.pk, "quantity": 1})
    for client in (shopper, guest, shopper):  # the second visit reads what the first kept
        for prefix, code in (("/en", "en"), ("", "tr")):
            category, slug = product.category, getattr(product, f"slug_{code}")
            for url in (
                "/",
                "/products/",
                "/products/?sort=name",
                "/products/?q=zzzqx",
                f"/c/{getattr(category, f'slug_{code}')}/",
                f"/p/{slug}/",
                f"/products/suggest/?q={getattr(product, f'name_{code}')[:4]}",
                "/cart/",
            ):
                assert client.get(prefix + url).status_code == 200, prefix + url
    assert len(kept_as_put) > 20
    written = [then for value, then in kept_as_put if _snapshot(value) != then]
    assert not written, f"{len(written)} kept values were written to after they were kept"
