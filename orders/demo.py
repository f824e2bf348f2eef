"""Demo data for orders: a carrier with two methods and rates across Turkey, and coupons.

The shipping part is also a checkout essential (shop.demo), so `seed_catalog` seeds it too.
"""

from decimal import Decimal

from django.db import transaction

from .models import Carrier, Coupon, CouponKind, ShippingMethod, ShippingRate, ShippingRegion


@transaction.atomic
def seed_shipping_demo() -> str:
    """The demo carrier, its two shipping methods and their rates; idempotent."""
    carrier, _ = Carrier.objects.get_or_create(
        name="Dükkan Kargo",
        defaults={"tracking_url_template": "https://kargo.example/track/{number}"},
    )
    turkey, _ = ShippingRegion.objects.get_or_create(name="Türkiye", defaults={"countries": "TR"})
    istanbul, _ = ShippingRegion.objects.get_or_create(
        name="İstanbul", defaults={"countries": "TR", "provinces": "İstanbul"}
    )
    methods = [
        ("standard", "Standart teslimat", "Standard delivery", Decimal("750.00"), 2, 4, 0),
        ("express", "Hızlı teslimat", "Express delivery", None, 1, 2, 1),
    ]
    for _code, name_tr, name_en, free_above, days_min, days_max, position in methods:
        method, created = ShippingMethod.objects.get_or_create(
            carrier=carrier,
            name_tr=name_tr,
            defaults={
                "name_en": name_en,
                "free_above": free_above,
                "days_min": days_min,
                "days_max": days_max,
                "position": position,
            },
        )
        if created:
            surcharge = Decimal("40.00") * position
            for region, base in ((turkey, Decimal("49.90")), (istanbul, Decimal("39.90"))):
                for max_weight, extra in (
                    (2000, Decimal("0")),
                    (10000, Decimal("30.00")),
                    (30000, Decimal("90.00")),
                ):
                    ShippingRate.objects.create(
                        method=method,
                        region=region,
                        max_weight_grams=max_weight,
                        price=base + extra + surcharge,
                    )
    return f"{ShippingMethod.objects.count()} shipping methods"


@transaction.atomic
def seed_orders_demo() -> str:
    seed_shipping_demo()
    coupons = [
        (
            "HOSGELDIN10",
            CouponKind.PERCENT,
            Decimal("10"),
            Decimal("0"),
            "10 % off the first order",
        ),
        ("50TL", CouponKind.FIXED, Decimal("50"), Decimal("300"), "50 TL off baskets of 300 TL"),
        ("KARGOBEDAVA", CouponKind.FREE_SHIPPING, Decimal("0"), Decimal("0"), "Free shipping"),
    ]
    for code, kind, value, min_basket, description in coupons:
        Coupon.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "value": value,
                "min_basket": min_basket,
                "description": description,
            },
        )
    return f"{ShippingMethod.objects.count()} shipping methods, {Coupon.objects.count()} coupons"
