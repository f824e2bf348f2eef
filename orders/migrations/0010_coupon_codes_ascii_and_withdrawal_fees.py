"""Coupon codes are stored as customers' typing is matched: ASCII capitals (shop.text.code_normal);
a whole withdrawal refunds delivery and payment fees (the return's field says so)."""

from django.db import migrations, models


def normalise_codes(apps, schema_editor):
    from shop.text import code_normal

    coupon_model = apps.get_model("orders", "Coupon")
    taken = set(coupon_model.objects.values_list("code", flat=True))
    for coupon in coupon_model.objects.all():
        code = code_normal(coupon.code)
        # Two codes that differ only in Turkish letters keep the older spelling for the second.
        if code != coupon.code and code not in taken:
            taken.add(code)
            coupon.code = code
            coupon.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("orders", "0009_carrier_updates_applied_by_a_task")]

    operations = [
        migrations.RunPython(normalise_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="return",
            name="shipping_refund",
            field=models.DecimalField(
                decimal_places=2,
                default=0,
                max_digits=12,
                verbose_name="delivery and fees refunded",
            ),
        ),
    ]
