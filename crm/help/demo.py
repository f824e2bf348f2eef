"""Demo help centre: three categories and the articles customers ask for most, in Turkish and
English. Idempotent: each category and article is looked up by its Turkish slug and made once."""

from django.db import transaction

from ..models import HelpArticle, HelpCategory
from .services import help_article_save, help_category_save

# (Turkish slug, name tr, name en, complaint categories it answers, articles)
# article: (Turkish slug, title tr, title en, body tr, body en)
DEMO_HELP = [
    (
        "siparis-ve-teslimat",
        "Sipariş ve teslimat",
        "Orders and delivery",
        ["late_or_missing", "unreachable"],
        [
            (
                "siparisim-nerede",
                "Siparişim nerede?",
                "Where is my order?",
                "Siparişinizin durumunu Hesabım › Siparişlerim sayfasında, üye değilseniz "
                '"Siparişimi takip et" sayfasında sipariş numaranız ve e-posta adresinizle '
                "görebilirsiniz.\n\nKargoya verilen siparişlerde kargo firmasının son hareketi "
                "ve takip bağlantısı sipariş sayfasında yer alır. Tahmini teslim gününü geçen "
                "bir kargo için bize yazın; kargo firmasıyla biz görüşürüz.",
                "You can see where your order stands under My account › My orders, or, without "
                'an account, on the "Track your order" page with your order number and email '
                "address.\n\nOnce it has shipped, the order page shows the carrier's last event "
                "and the tracking link. If a parcel is past its estimated delivery day, write "
                "to us: we take it up with the carrier.",
            ),
            (
                "teslimat-adresini-degistirmek",
                "Teslimat adresini değiştirebilir miyim?",
                "Can I change the delivery address?",
                'Siparişiniz paketlenene kadar adresi değiştirebiliriz: "Beni arayın" '
                "formundan ya da müşteri hizmetlerinden bize ulaşın.\n\nKargoya verilmiş bir "
                "siparişin adresi yalnızca kargo firması üzerinden, firmanın izin verdiği "
                "ölçüde değiştirilebilir.",
                "We can change the address until your order is packed: reach us through the "
                '"Call me back" form or customer service.\n\nOnce an order has shipped, only '
                "the carrier can change its address, as far as the carrier allows.",
            ),
            (
                "kapida-odeme",
                "Kapıda ödeme nasıl çalışır?",
                "How does cash on delivery work?",
                "Kapıda ödemeli siparişinizin tutarını teslimat sırasında kuryeye nakit ya da "
                "kartla ödersiniz. Sipariş, verildiği anda onaylanır.\n\nKapıda ödemeli bir "
                "siparişin iadesi, tercihinize göre banka havalesiyle ya da mağaza bakiyesi "
                "olarak yapılır.",
                "You pay the courier for a cash-on-delivery order at delivery, in cash or by "
                "card. The order is confirmed as soon as you place it.\n\nA refund of a "
                "cash-on-delivery order is paid by bank transfer or, if you prefer, as store "
                "credit.",
            ),
        ],
    ),
    (
        "iptal-ve-iade",
        "İptal ve iade",
        "Cancelling and returns",
        ["return_exchange", "wrong_or_damaged"],
        [
            (
                "siparisi-iptal-etmek",
                "Siparişimi iptal edebilir miyim?",
                "Can I cancel my order?",
                'Siparişiniz paketlenene kadar sipariş sayfasındaki "Siparişi iptal et" '
                "düğmesiyle iptal edebilirsiniz; sayfa, paranızın nasıl geri döneceğini "
                "önceden gösterir.\n\nPaketlenmiş ya da kargoya verilmiş bir siparişi teslim "
                "aldıktan sonra iade edebilirsiniz.",
                'You can cancel your order with the "Cancel this order" button on the order '
                "page until it is packed; the page shows first how your money comes back.\n\n"
                "An order already packed or shipped can be returned once you have received it.",
            ),
            (
                "iade-ve-cayma-hakki",
                "İade ve 14 günlük cayma hakkı",
                "Returns and the 14-day right of withdrawal",
                "Teslim aldığınız ürünleri 14 gün içinde gerekçe göstermeden iade "
                'edebilirsiniz. Sipariş sayfasındaki "İade talebi oluştur" bağlantısıyla '
                "ürünleri seçin; kargo kodunuz e-postayla gelir.\n\nİade ücretsizdir. Ayıplı ya "
                "da yanlış gönderilen ürünlerde süre beklemeden bize yazın.",
                "You may return what you received within 14 days without giving a reason. "
                'Choose the items with "Request a return" on the order page; your shipping '
                "code arrives by email.\n\nReturns are free. For a faulty or wrong item, write "
                "to us straight away.",
            ),
        ],
    ),
    (
        "odeme-ve-geri-odeme",
        "Ödeme ve geri ödeme",
        "Payments and refunds",
        ["payment"],
        [
            (
                "geri-odeme-ne-zaman",
                "Geri ödemem ne zaman hesabıma geçer?",
                "When does my refund arrive?",
                "Geri ödemeyi iade ya da iptal onaylandığı gün başlatırız. Kredi kartına "
                "yapılan iadeler bankanıza göre 2–10 iş günü içinde ekstrenizde görünür; "
                "mağaza bakiyesine yapılan iadeler hemen kullanılabilir.\n\nE-çek ve kapıda "
                "ödeme iadeleri banka havalesiyle 3 iş günü içinde yapılır. Hesabınıza "
                "mikro ödeme ile yazılan tutarlar hesaptan düşülür, karttan çekilmez.",
                "We start the refund on the day the return or cancellation is approved. A "
                "refund to a credit card shows on your statement within 2–10 business days, "
                "depending on your bank; a refund to your prepaid balance can be used at "
                "once.\n\nE-check and cash-on-delivery refunds are paid by bank transfer "
                "within 3 business days. Amounts on your micropayment tab are taken off the "
                "tab and never charged.",
            ),
        ],
    ),
]


@transaction.atomic
def seed_help_demo() -> str:
    made = 0
    for position, (slug, name_tr, name_en, topics, articles) in enumerate(DEMO_HELP):
        category = HelpCategory.objects.filter(slug_tr=slug).first()
        if category is None:
            category = help_category_save(
                category=HelpCategory(
                    slug_tr=slug,
                    name_tr=name_tr,
                    name_en=name_en,
                    position=position,
                    complaint_categories=topics,
                )
            )
        for place, (article_slug, title_tr, title_en, body_tr, body_en) in enumerate(articles):
            if HelpArticle.objects.filter(slug_tr=article_slug).exists():
                continue
            help_article_save(
                article=HelpArticle(
                    category=category,
                    slug_tr=article_slug,
                    title_tr=title_tr,
                    title_en=title_en,
                    body_tr=body_tr,
                    body_en=body_en,
                    position=place,
                    published=True,
                )
            )
            made += 1
    return f"{HelpArticle.objects.filter(published=True).count()} help articles ({made} new)"
