"""The starting procedures (version 1 of each, written by nobody: the shop's own), one per
category for any channel and team, and one for late deliveries raised on social media. From the
seed (shared/seeds/004): know how to treat the customer, how far to bend and where to be firm;
on public channels do not answer everything, keep calm, stay sincere and take no sides."""

from decimal import Decimal

from django.db import migrations

COMMON_TR = "Müşteriye adıyla hitap edin, yaşadığı sorun için özür dileyin ve sorunu kendi cümlelerinizle tekrar ederek doğru anladığınızı teyit edin."
COMMON_EN = "Greet the customer by name, apologise for the trouble and restate the problem in your own words to confirm you understood it."

PROCEDURES = [
    {
        "category": "late_or_missing",
        "channel": "",
        "how_to_respond_tr": COMMON_TR + " Siparişin kargo hareketlerini kontrol edin, müşteriye son durumu ve beklenen teslim tarihini net olarak söyleyin; kargo firmasıyla görüşüp sonucu aynı gün bildirin.",
        "how_to_respond_en": COMMON_EN + " Check the parcel's tracking, tell the customer where it is and when it should arrive; chase the carrier and report back the same day.",
        "how_far_to_bend_tr": "Teslimat söz verilen tarihten 2 iş gününden fazla gecikmişse kargo ücreti kadar iyi niyet puanı verilebilir. Kargo kaybolmuşsa ürünü yeniden gönderin veya müşteri isterse tam iade yapın.",
        "how_far_to_bend_en": "If delivery is more than 2 working days past the promise, goodwill points worth the shipping fee may be given. A lost parcel: send again, or refund in full if the customer prefers.",
        "where_to_be_firm_tr": "Kargo hareketi ‘teslim edildi’ görünüyorsa, kargo firmasının tutanağı gelmeden ikinci gönderi veya iade yapılmaz. Teslim tarihi için kesin olmayan söz verilmez.",
        "where_to_be_firm_en": "When tracking says ‘delivered’, no second parcel or refund before the carrier's report. Never promise a delivery date you cannot confirm.",
        "compensation_tr": "Onaysız: en fazla 100 puan veya ₺50 kişisel kupon.",
        "compensation_en": "Without approval: up to 100 points or a ₺50 personal coupon.",
        "compensation_amount": Decimal("50.00"),
        "compensation_points": 100,
    },
    {
        "category": "late_or_missing",
        "channel": "social",
        "how_to_respond_tr": "Herkese açık ilk yanıtı kısa tutun: özür dileyin ve sipariş bilgilerini özel mesajla isteyin; sipariş numarası, adres veya telefonu asla herkese açık yazmayın. Çözümü özel mesajdan yürütün, sonuçlanınca herkese açık kısa bir not düşün.",
        "how_to_respond_en": "Keep the first public answer short: apologise and ask for the order details by private message; never post an order number, address or phone in public. Solve it in private, then add a short public note when done.",
        "how_far_to_bend_tr": "Diğer kanallardaki gecikme prosedürüyle aynı: 2 iş gününü aşan gecikmede kargo ücreti kadar iyi niyet puanı.",
        "how_far_to_bend_en": "As for late deliveries on other channels: goodwill points worth the shipping fee past 2 working days.",
        "where_to_be_firm_tr": "Her yoruma yanıt vermeyin; soğukkanlı kalın, tartışmaya girmeyin ve kullanıcılar arasında taraf tutmayın (din, dil, ırk, mezhep konularına hiç girmeyin). Sahte mesajla durumu yönetmeye çalışmayın: samimi ve gerçekçi olun.",
        "where_to_be_firm_en": "Do not answer everything; keep calm, never argue and take no sides between users (stay out of religion, language, race and sect). Never manage it with fake messages: be sincere and factual.",
        "compensation_tr": "Onaysız: en fazla 100 puan; herkese açık tazminat sözü verilmez.",
        "compensation_en": "Without approval: up to 100 points; never promise compensation in public.",
        "compensation_amount": None,
        "compensation_points": 100,
    },
    {
        "category": "wrong_or_damaged",
        "channel": "",
        "how_to_respond_tr": COMMON_TR + " Hasarlı veya yanlış ürünün fotoğrafını isteyin, ürünü ücretsiz iade kargo koduyla geri alın ve müşteriye değişim mi iade mi istediğini sorun.",
        "how_to_respond_en": COMMON_EN + " Ask for a photo of the damaged or wrong item, take it back with a free return code and ask whether they want a replacement or a refund.",
        "how_far_to_bend_tr": "Fotoğraf sorunu gösteriyorsa ürün geri gelmeden değişim gönderilebilir. Küçük hasarlarda müşteri ürünü tutmak isterse kısmi iade önerilebilir.",
        "how_far_to_bend_en": "If the photo shows the fault, a replacement may ship before the item comes back. For small damage, a partial refund may be offered if the customer keeps the item.",
        "where_to_be_firm_tr": "Kullanım kaynaklı hasar veya fotoğrafsız talepte değişim yapılmaz; tutar ürün bedelini aşamaz.",
        "where_to_be_firm_en": "No replacement for damage from use, or without a photo; never more than the item's price.",
        "compensation_tr": "Onaysız: ürün bedelinin %20'sine kadar, en fazla ₺150 kısmi iade veya kupon.",
        "compensation_en": "Without approval: a partial refund or coupon up to 20 % of the item, at most ₺150.",
        "compensation_amount": Decimal("150.00"),
        "compensation_points": None,
    },
    {
        "category": "payment",
        "channel": "",
        "how_to_respond_tr": COMMON_TR + " Ödeme kayıtlarını kontrol edin (çekilen tutar, iade, provizyon) ve müşteriye bankasında ne göreceğini açıkça anlatın.",
        "how_to_respond_en": COMMON_EN + " Check the payment records (charged, refunded, authorised) and tell the customer plainly what their bank will show.",
        "how_far_to_bend_tr": "Mükerrer çekim kayıtlarda görünüyorsa fazla tutarı hemen iade edin. Provizyonun düşmesi için bankanın süresini bekleyin ve müşteriye bildirin.",
        "how_far_to_bend_en": "A double charge shown in the records is refunded at once. For an authorisation, wait for the bank's release and tell the customer when.",
        "where_to_be_firm_tr": "Kart bilgisi, şifre veya doğrulama kodu asla istenmez. Kayıtlarda görünmeyen bir çekim için iade yapılmaz; müşteri bankasına yönlendirilir.",
        "where_to_be_firm_en": "Never ask for card numbers, passwords or codes. No refund for a charge our records do not show: refer the customer to their bank.",
        "compensation_tr": "Onaysız: mükerrer çekimin iadesi; ek olarak en fazla 50 puan.",
        "compensation_en": "Without approval: refunding a double charge, plus up to 50 points.",
        "compensation_amount": None,
        "compensation_points": 50,
    },
    {
        "category": "return_exchange",
        "channel": "",
        "how_to_respond_tr": COMMON_TR + " İade ve değişim adımlarını sırayla anlatın, iade kodunu verin ve iadenin hangi gün hesabına geçeceğini söyleyin.",
        "how_to_respond_en": COMMON_EN + " Explain the return or exchange steps in order, give the return code and say when the money will be back.",
        "how_far_to_bend_tr": "Cayma süresini 3 güne kadar aşan, kullanılmamış ürünlerde iade kabul edilebilir.",
        "how_far_to_bend_en": "An unused item up to 3 days past the withdrawal period may still be taken back.",
        "where_to_be_firm_tr": "Hijyen ürünleri, açılmış dijital ürünler ve kişiye özel üretimler iade alınmaz. İade, ödeme yapılan yönteme yapılır.",
        "where_to_be_firm_en": "No returns of hygiene items, opened digital products or made-to-order goods. Refunds go back to the method used to pay.",
        "compensation_tr": "Onaysız: iade kargo ücreti karşılanabilir.",
        "compensation_en": "Without approval: the return shipping may be covered.",
        "compensation_amount": Decimal("40.00"),
        "compensation_points": None,
    },
    {
        "category": "stock",
        "channel": "",
        "how_to_respond_tr": COMMON_TR + " Stok hatası için açıkça özür dileyin, ürünün yeniden geleceği tarihi (biliniyorsa) söyleyin ve bekleme, muadil ürün veya tam iade seçeneklerini sunun.",
        "how_to_respond_en": COMMON_EN + " Apologise plainly for the stock error, give the restock date if known, and offer to wait, take an equivalent, or a full refund.",
        "how_far_to_bend_tr": "Muadil ürün daha pahalıysa fiyat farkı en fazla ₺100'e kadar alınmaz.",
        "how_far_to_bend_en": "If the equivalent costs more, the difference up to ₺100 is waived.",
        "where_to_be_firm_tr": "Stokta olmayan ürün için teslim tarihi sözü verilmez; müşteri istemedikçe sipariş bekletilmez.",
        "where_to_be_firm_en": "No delivery promise for an item not in stock; the order is not held unless the customer asks.",
        "compensation_tr": "Onaysız: en fazla 100 puan veya ₺100 fiyat farkı.",
        "compensation_en": "Without approval: up to 100 points or ₺100 price difference.",
        "compensation_amount": Decimal("100.00"),
        "compensation_points": 100,
    },
    {
        "category": "unreachable",
        "channel": "",
        "how_to_respond_tr": COMMON_TR + " Bize ulaşmakta zorlandığı için teşekkür edin; asıl sorununu aynı görüşmede çözün ve ona doğrudan ulaşabileceği kanalı söyleyin.",
        "how_to_respond_en": COMMON_EN + " Thank them for persisting; solve the underlying problem in the same contact and tell them the direct way to reach us.",
        "how_far_to_bend_tr": "Müşteri birden fazla kez denediyse en fazla 50 puan iyi niyet puanı verilebilir.",
        "how_far_to_bend_en": "If the customer tried more than once, up to 50 goodwill points may be given.",
        "where_to_be_firm_tr": "Başka bir ekibin işini söz vererek devretmeyin: kaydı açın ve sahibi olun.",
        "where_to_be_firm_en": "Do not pass the customer on with a promise: open the ticket and own it.",
        "compensation_tr": "Onaysız: en fazla 50 puan.",
        "compensation_en": "Without approval: up to 50 points.",
        "compensation_amount": None,
        "compensation_points": 50,
    },
    {
        "category": "information",
        "channel": "",
        "how_to_respond_tr": COMMON_TR + " Doğru bilgiyi verin, hatalı sayfa veya ürün bilgisini katalog ekibine iç notla bildirin.",
        "how_to_respond_en": COMMON_EN + " Give the correct information and report the wrong page or product text to the catalog team in an internal note.",
        "how_far_to_bend_tr": "Hatalı bilgi yüzünden alınan ürün, cayma süresi dolmuş olsa da ücretsiz iade alınabilir.",
        "how_far_to_bend_en": "An item bought because of wrong information may be returned free even after the withdrawal period.",
        "where_to_be_firm_tr": "Sitede yazanın dışında özellik veya fiyat sözü verilmez.",
        "where_to_be_firm_en": "Never promise features or prices other than those on the site.",
        "compensation_tr": "Onaysız: ücretsiz iade ve en fazla 50 puan.",
        "compensation_en": "Without approval: a free return and up to 50 points.",
        "compensation_amount": None,
        "compensation_points": 50,
    },
    {
        "category": "other",
        "channel": "",
        "how_to_respond_tr": COMMON_TR + " Sorunu doğru kategoriye taşıyın; uymuyorsa ekip liderine danışın.",
        "how_to_respond_en": COMMON_EN + " Move the ticket to the right category; if none fits, ask your team lead.",
        "how_far_to_bend_tr": "Liderin onayı olmadan istisna yapılmaz.",
        "how_far_to_bend_en": "No exceptions without the lead's approval.",
        "where_to_be_firm_tr": "Kişisel veri, başka bir müşterinin bilgisi veya şirket içi bilgi paylaşılmaz.",
        "where_to_be_firm_en": "Never share personal data, another customer's details or internal information.",
        "compensation_tr": "Onaysız tazminat yok.",
        "compensation_en": "No compensation without approval.",
        "compensation_amount": None,
        "compensation_points": None,
    },
]


def create(apps, schema_editor):
    Procedure = apps.get_model("complaints", "Procedure")
    ProcedureVersion = apps.get_model("complaints", "ProcedureVersion")
    for row in PROCEDURES:
        texts = dict(row)
        category, channel = texts.pop("category"), texts.pop("channel")
        procedure, created = Procedure.objects.get_or_create(
            category=category, channel=channel, team=None
        )
        if created:
            ProcedureVersion.objects.create(procedure=procedure, number=1, **texts)


def remove(apps, schema_editor):
    """Leaves procedures staff have changed since (a second version) alone."""
    Procedure = apps.get_model("complaints", "Procedure")
    ProcedureVersion = apps.get_model("complaints", "ProcedureVersion")
    for row in PROCEDURES:
        procedure = Procedure.objects.filter(
            category=row["category"], channel=row["channel"], team=None
        ).first()
        if procedure is None or procedure.versions.exclude(number=1).exists():
            continue
        ProcedureVersion.objects.filter(procedure=procedure).delete()
        procedure.delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_procedures")]

    operations = [migrations.RunPython(create, remove)]
