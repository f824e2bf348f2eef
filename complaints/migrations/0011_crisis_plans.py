"""The six crisis plans of the seed, as a starting point managers rewrite (Admin › Crisis plans).
Roles and approvers in Turkish (the desk's language); the first public message in both."""

from django.db import migrations

ROLES = (
    "Kriz sorumlusu: şikâyet masası yöneticisi (kararları verir, herkesi toplar)\n"
    "Sosyal medya sorumlusu: yanıtları yayınlar, yeni paylaşımları izler\n"
    "Çağrı merkezi ekip lideri: telefon ve e-posta yoğunluğunu karşılar, hazır yanıtı dağıtır\n"
    "{owner}\n"
    "Halkla ilişkiler ajansı: basın sorularını karşılar (sosyal medya ajansıyla birlikte)"
)
APPROVERS = "Şikâyet masası yöneticisi ve genel müdür; {extra}"

PLANS = {
    "product_defect": (
        "Ürün sorumlusu: ürünü satıştan kaldırır, tedarikçiyle görüşür",
        "hukuk (ürün güvenliği söz konusuysa)",
        "Bu ürünle ilgili yaşadığınız sorunu biliyoruz ve özür dileriz. Ürünü satıştan kaldırdık; "
        "bu ürünü alan herkese iade veya değişim sunacağız. Ayrıntıları size ayrıca ileteceğiz.",
        "We know about the problem with this product and we are sorry. We have taken it off sale "
        "and will offer everyone who bought it a refund or a replacement. We will contact you "
        "with the details.",
    ),
    "delivery_collapse": (
        "Lojistik sorumlusu: kargo firmasıyla görüşür, yeni teslim tarihlerini çıkarır",
        "lojistik sorumlusu",
        "Siparişlerin bir kısmı geç teslim ediliyor; özür dileriz. Kargo firmamızla birlikte "
        "çalışıyoruz ve her siparişin yeni teslim tarihini sipariş sayfasında paylaşacağız.",
        "Some orders are arriving late, and we are sorry. We are working with our carrier and will "
        "show each order's new delivery date on its order page.",
    ),
    "payment_outage": (
        "Ödeme sorumlusu: ödeme sağlayıcısıyla görüşür, çift çekimleri kontrol eder",
        "finans sorumlusu",
        "Şu anda bazı ödemeler tamamlanamıyor. Sorunu çözmek için çalışıyoruz; çekilip siparişe "
        "dönüşmeyen tutarlar kendiliğinden iade edilecek. Lütfen aynı ödemeyi tekrar tekrar "
        "denemeyin.",
        "Some payments cannot be completed right now. We are working on it; any amount taken "
        "without an order will be refunded automatically. Please do not retry the same payment "
        "again and again.",
    ),
    "data_leak": (
        "Bilgi güvenliği sorumlusu: sızıntıyı doğrular ve durdurur, KVKK bildirimini hazırlar",
        "hukuk ve bilgi güvenliği sorumlusu (KVKK bildirimi 72 saat içinde)",
        "Bilgilerinizin güvenliğiyle ilgili bir iddiayı inceliyoruz. Doğrulanan her bilgiyi "
        "gecikmeden paylaşacağız. Sizden hiçbir zaman e-posta veya mesajla şifre ya da kart "
        "bilgisi istemeyiz.",
        "We are looking into a claim about the security of your information. We will share "
        "everything we confirm without delay. We never ask for passwords or card details by "
        "email or message.",
    ),
    "social_storm": (
        "Sosyal medya sorumlusu: tartışmayı izler, taraf tutmadan yanıt verir",
        "halkla ilişkiler ajansı",
        "Yazdıklarınızı okuyoruz ve ciddiye alıyoruz. Konuyu inceliyoruz; kısa süre içinde "
        "buradan bilgi vereceğiz. Bize doğrudan mesajla da ulaşabilirsiniz.",
        "We are reading what you write and we take it seriously. We are looking into it and will "
        "update you here shortly. You can also reach us by direct message.",
    ),
    "misinformation": (
        "İçerik sorumlusu: doğru bilgiyi ve kaynağını hazırlar; sahte hesapları bildirir",
        "hukuk (sahte hesap veya rakip saldırısı söz konusuysa)",
        "Hakkımızda yayılan bazı bilgiler doğru değil. Doğrusunu ve kaynağını burada "
        "paylaşıyoruz. Resmî hesaplarımız yalnızca sitemizde listelenenlerdir.",
        "Some of what is being said about us is not true. Here are the facts and where they come "
        "from. Our only official accounts are the ones listed on our website.",
    ),
}


def add_plans(apps, schema_editor):
    plan_model = apps.get_model("complaints", "CrisisPlan")
    for scenario, (owner, extra, message_tr, message_en) in PLANS.items():
        plan_model.objects.get_or_create(
            scenario=scenario,
            defaults={
                "roles": ROLES.format(owner=owner),
                "first_message_tr": message_tr,
                "first_message_en": message_en,
                "statement_approvers": APPROVERS.format(extra=extra),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_mentions_crisis")]

    operations = [migrations.RunPython(add_plans, migrations.RunPython.noop)]
