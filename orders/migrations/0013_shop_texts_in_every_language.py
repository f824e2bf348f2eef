"""The shop's own words on an order, shown in the reader's language (issue 25).

An order keeps its shipping method's name in every shop language; the texts the shop writes in
an order's and a parcel's history are stored in English and translated where they are shown.
Existing rows: the method is found by the name the order kept (in either language), and the
shop's texts written in Turkish are put back in English.
"""

from django.db import migrations, models

# The shop's texts as they were written in Turkish, and the English they are kept in now.
ENGLISH = {
    "Personel bildirdi": "Reported by staff",
    "Alıcı adreste bulunamadı.": "The recipient was not at the address.",
    "Ödeme zamanında tamamlanmadı.": "Payment was not completed in time.",
    "Ödenecek tutar yok: hemen onaylandı.": "Nothing to pay: confirmed at once.",
    "İndirme bağlantıları oluşturuldu.": "Download links issued.",
}
# A delivery problem's note was "Delivery problem: <report>"; the event's kind says that now.
PROBLEM_PREFIXES = ("Delivery problem: ", "Teslimat sorunu: ")
LANGUAGES = ("tr", "en")


def _english(text: str) -> str:
    for prefix in PROBLEM_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return ENGLISH.get(text, text)


def forwards(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    ShipmentEvent = apps.get_model("orders", "ShipmentEvent")
    ShippingMethod = apps.get_model("orders", "ShippingMethod")

    by_name = {}
    for method in ShippingMethod.objects.select_related("carrier"):
        fallback = method.name_tr or method.name_en or ""
        names = {
            code: f"{method.carrier.name} — {getattr(method, f'name_{code}') or fallback}"
            for code in LANGUAGES
        }
        for name in names.values():
            by_name.setdefault(name, names)
    for order in Order.objects.exclude(shipping_method="").filter(shipping_method_names={}):
        names = by_name.get(order.shipping_method)
        if names:
            order.shipping_method_names = names
            order.save(update_fields=["shipping_method_names"])

    written = models.Q(note__in=list(ENGLISH))
    for prefix in PROBLEM_PREFIXES:
        written |= models.Q(note__startswith=prefix)
    for pk, note in OrderEvent.objects.filter(written).values_list("pk", "note").iterator():
        OrderEvent.objects.filter(pk=pk).update(note=_english(note))
    for turkish, english in ENGLISH.items():
        ShipmentEvent.objects.filter(description=turkish).update(description=english)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0012_returned_and_refund_account"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="shipping_method_names",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="shipping method in each language"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
