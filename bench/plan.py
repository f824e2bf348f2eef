"""What the benchmark asks for: the pages, their visitors and the data behind them.

Prepared in process on the benchmark database (Django set up by bench/pages.py): the seeded
customer's own pages, the carts, the sessions, and the list of (page, url, visitor) measured.
"""

import os

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

BARE = "/bench/bare"
PLACE_ORDER = "place order"  # BENCH_PAGES' name for the guests' placements
OPEN_CHATS = "200 open chats"  # BENCH_PAGES' name for bench/chat.py's interleaved comparison
DASHBOARD_COLD = "dashboard cold"  # BENCH_PAGES' name for bench/dashboard.py's in-process run
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _session(**values: object) -> str:
    from django.contrib.sessions.backends.cached_db import SessionStore

    session = SessionStore()
    for key, value in values.items():
        session[key] = value
    session.save()
    return session.session_key


def _cart(user, variants) -> object:
    from orders import services
    from orders.models import CartLine

    cart = services.cart_for_user(user=user)
    CartLine.objects.filter(cart=cart).delete()
    for variant in variants:
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    return cart


def _place_order(user, variants, *, payment_method: str):
    """Place the user's order as checkout does (the demo's address, delivery if physical)."""
    from orders.demo import demo_place

    return demo_place(user, _cart(user, variants), payment_method=payment_method, language="en")


def _account_pages(user, variants) -> dict:
    """The signed-in customer's own pages, with something on each; idempotent.

    An order delivered within the withdrawal period (parcel, invoice, one of its two items
    returned and refunded: a credit note, and the cash back on her balance; the other item
    still returnable), three small digital items on her tab, and a profile with a city and
    interests. A new order is placed only once the last one's withdrawal period is nearly over.
    """
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Variant
    from orders import services
    from orders.models import Carrier, OrderEvent
    from payments.models import SavedCard, Tab
    from payments.services import payment_collect_cash

    recent = timezone.now() - timedelta(days=max(settings.WITHDRAWAL_DAYS - 2, 1))
    delivered = (
        OrderEvent.objects.filter(
            order__user=user,
            order__status="delivered",
            order__returns__isnull=False,  # not one of the tab's digital orders, delivered too
            to_status="delivered",
            created_at__gte=recent,
        )
        .order_by("-pk")
        .first()
    )
    if delivered is None:
        order = _place_order(user, variants, payment_method="cod")
        for step in ("preparing", "packed"):
            services.order_step(order=order, to=step)
        carrier = Carrier.objects.order_by("pk").first()
        services.order_ship(order=order, carrier=carrier, tracking_number=f"BENCH{order.pk:07d}")
        for step in ("in_transit", "out_for_delivery", "delivered"):
            services.order_step(order=order, to=step)
        payment = order.payments.order_by("-pk").first()
        payment_collect_cash(payment=payment, amount=payment.amount)
        order_return = services.return_request(
            order=order,
            quantities={order.lines.order_by("pk").first().pk: 1},
            by=user,
            refund_to="store_credit",  # her balance statement shows the cash coming back
        )
        order_return = services.return_receive(
            order_return=order_return,
            restock={line.pk: "sellable" for line in order_return.lines.all()},
        )
        services.return_refund(order_return=order_return)
        number = order.number
    else:
        number = delivered.order.number
    survey = _feedback_survey(number)
    _another_size(number)
    # The tab needs a saved card. The bench talks to no Stripe: the card is the row
    # saved_card_add leaves, never charged (the tab stays under its settle threshold).
    if not SavedCard.objects.filter(user=user).exists():
        SavedCard.objects.create(
            user=user,
            payment_method_id=f"pm_bench_{user.pk}",
            brand="visa",
            last4="4242",
            exp_month=12,
            exp_year=timezone.now().year + 5,
            is_default=True,
        )
    if not Tab.objects.filter(user=user).exists():
        for sku in ("DK-TAB-1", "DK-TAB-2", "DK-TAB-3"):  # the demo catalog's small items
            small = Variant.objects.filter(sku=sku).first()
            if small is not None:
                _place_order(user, [small], payment_method="micropayment")
    from catalog.models import Category
    from crm.services import profile_update

    profile_update(
        user=user,
        city="34",
        interest_tags=["kitap", "kahve", "koşu"],
        interest_categories=Category.objects.filter(is_active=True, depth=1).order_by("path")[:3],
        preferred_channel="email",
    )
    # Issue 31: the "also bought" lists from every accepted order (idempotent), read by the
    # "recommended for you" fragment her home and account pages load (purchases only: the
    # bench's visitor has no cookie consent, so no views or recently viewed).
    from crm.recommendations.services import bought_together_refresh

    bought_together_refresh()
    return {
        "recommended for you (fragment)": reverse("crm:recommendations_for_you"),
        "my account": reverse("shop:profile"),
        "my orders": reverse("orders:order_list"),
        "order page": reverse("orders:confirmation", args=[number]),
        "return request form": reverse("orders:return", args=[number]),
        "exchange form": reverse("orders:exchange", args=[number]),
        "my wallet": reverse("wallet:cards"),
        "balance statement": reverse("wallet:balance"),
        "my tab": reverse("wallet:tab"),
        "my points": reverse("wallet:points"),
        "my coupons": reverse("orders:my_coupons"),
        "feedback survey": reverse("crm:feedback", args=[survey]),
        "my complaints": reverse("complaints:list"),
        "complaint form": reverse("complaints:new") + f"?order={number}",
        "my profile": reverse("crm:profile"),
        "your data": reverse("crm:your_data"),
    }


def _another_size(number: str) -> None:
    """A second size of each product of the order (the bench's products have one variant), so
    its exchange page offers one; idempotent. Its SKU is outside BENCH-, which seed_catalog
    counts as products."""
    from catalog.models import Variant
    from orders.models import OrderLine

    for line in OrderLine.objects.filter(order__number=number).select_related("variant"):
        Variant.objects.get_or_create(
            sku=f"SIZE-{line.variant.sku}",
            defaults={
                "product_id": line.product_id,
                "price": line.variant.price,
                "on_hand": 50,
                "weight_grams": line.variant.weight_grams,
                "position": 1,
            },
        )


def _feedback_survey(number: str) -> str:
    """The signed link token of the delivered order's survey (made if the order was delivered
    before the journey existed); unanswered, so the page shows the form."""
    from crm.journeys.feedback.links import survey_link_token
    from crm.models import FeedbackSurvey
    from orders.models import Order

    order = Order.objects.get(number=number)
    survey, _ = FeedbackSurvey.objects.get_or_create(
        order=order, defaults={"user": order.user, "delivered_at": order.placed_at}
    )
    return survey_link_token(survey)


def _help_pages() -> dict:
    """The help centre's home and one article (the demo's articles, seeded once)."""
    from crm.help.demo import seed_help_demo
    from crm.models import HelpArticle

    seed_help_demo()
    article = HelpArticle.objects.filter(published=True).order_by("pk").first()
    return {
        "help centre": reverse("crm:help"),
        "help article": reverse("crm:help_article", args=[article.slug_en]),
    }


def prepare(placements: int) -> dict:
    """Seed what the pages show (idempotent) and return the plan: urls, cookies, and
    `placements` in-stock variants for guests to order."""
    from allauth.account.models import EmailAddress

    from catalog.models import Category, Variant
    from orders.cart_session import CART_SESSION_KEY, COUNT_SESSION_KEY
    from orders.models import ShippingMethod
    from shop.models import User

    in_stock = list(
        Variant.objects.filter(sku__startswith="BENCH-", product__in_stock=True)
        .select_related("product")
        .order_by("pk")[: 3 + placements]
    )
    product = in_stock[0].product
    category = Category.objects.filter(depth=2, products__isnull=False).order_by("path").first()
    word = category.name_en.split()[0].lower()
    typo = word[:2] + word[3:] if len(word) > 4 else word + "x"  # a letter missed while typing
    user, _ = User.objects.get_or_create(email="bench@dukkan.local")
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    # Two items for the customer's own order, well away from those the placements use.
    ordered = list(
        Variant.objects.filter(
            sku__startswith="BENCH-", product__in_stock=True, on_hand__gte=5, price__lte=2000
        ).order_by("-pk")[:2]
    )
    with translation.override("en"):
        account_pages = _account_pages(user, ordered)
    from staff_plan import staff_pages as seed_staff_pages  # it reads this module

    staff_pages, staff_session = seed_staff_pages()
    signed_in_cart = _cart(user, in_stock[:3])
    guest_cart = _cart(None, in_stock[:3])
    signed_in = _session(
        **{
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            COUNT_SESSION_KEY: 3,
        }
    )
    guest = _session(**{CART_SESSION_KEY: guest_cart.pk, COUNT_SESSION_KEY: 3})
    assert signed_in_cart.pk != guest_cart.pk
    with translation.override("en"):
        urls = {
            "bare view": BARE,
            "home": reverse("catalog:home"),
            "all products, page 1": reverse("catalog:product_list"),
            "category, page 1": reverse("catalog:category", args=[category.slug_en]),
            "deep filtered page": reverse("catalog:product_list")
            + "?sort=price_asc&min_price=100&page=40",
            f"search ?q={word}": reverse("catalog:product_list") + f"?q={word}",
            f"search with a typo ?q={typo}": reverse("catalog:product_list") + f"?q={typo}",
            # What the search box asks while a visitor types the first letters of a word.
            f"search suggestions ?q={word[:4]}": reverse("catalog:suggest") + f"?q={word[:4]}",
            "product": reverse("catalog:product", args=[product.slug_en]),
            **_help_pages(),
            "cookie settings": reverse("crm:cookie_settings"),
            "cart with 3 items": reverse("orders:cart"),
            "checkout": reverse("orders:checkout"),
            **account_pages,
            **staff_pages,
        }
    # Issue 30: the chat window's poll with nothing new (the answer of almost every poll), for one
    # of the 200 open chats that bench/chat.py sets polling beside the catalog pages.
    from chat import seed_chats

    chats = seed_chats()
    urls["chat poll (nothing new)"] = chats[0][1]
    method = ShippingMethod.objects.filter(is_active=True).order_by("position", "pk").first()
    return {
        "urls": urls,
        "cookies": {
            "anonymous": "",
            "guest": f"sessionid={guest}",
            "signed in": f"sessionid={signed_in}",
            "staff": f"sessionid={staff_session}",
            "chat guest": chats[0][0],
        },
        "chats": chats,
        "chat_pages": ["chat poll (nothing new)"],
        "account_pages": list(account_pages),
        "staff_pages": list(staff_pages),
        "placement_variants": [v.pk for v in in_stock[3:]],
        "placement_product": product.slug_en,
        "shipping_method": method.pk,
    }


def wanted_pages() -> list[str]:
    """BENCH_PAGES: the labels of the pages to measure, comma-separated ("my orders,order
    page"); empty for every page. The bare view is always measured."""
    return [
        label.strip() for label in os.environ.get("BENCH_PAGES", "").split(",") if label.strip()
    ]


def targets(plan: dict) -> list[tuple[str, str, str]]:
    """(label, url, who) in the order they are measured; the bare view first. Only the pages
    BENCH_PAGES names (and the bare view) when it is set; an unknown label stops the run."""
    urls, rows = plan["urls"], [("bare view", plan["urls"]["bare view"], "anonymous")]
    own, staff = plan["account_pages"], plan.get("staff_pages", [])
    chat = plan.get("chat_pages", [])
    pages = [
        k
        for k in urls
        if k not in ("bare view", "cart with 3 items", "checkout", *own, *staff, *chat)
    ]
    rows += [(label, urls[label], "anonymous") for label in pages]
    rows += [(label, urls[label], "signed in") for label in pages]
    rows += [("cart with 3 items", urls["cart with 3 items"], "guest")]
    rows += [("cart with 3 items", urls["cart with 3 items"], "signed in")]
    rows += [(label, urls[label], "signed in") for label in own]
    rows += [(label, urls[label], "staff") for label in staff]
    rows += [(label, urls[label], "chat guest") for label in chat]
    wanted = wanted_pages()
    if wanted:
        known = {label for label, _url, _who in rows} | {PLACE_ORDER, OPEN_CHATS, DASHBOARD_COLD}
        unknown = sorted(set(wanted) - known)
        if unknown:
            known = ", ".join(dict.fromkeys(label for label, _url, _who in rows[1:]))
            raise SystemExit(f"BENCH_PAGES: no page {', '.join(unknown)} (pages: {known})")
        rows = rows[:1] + [row for row in rows[1:] if row[0] in wanted]
    return rows


def placing_wanted() -> bool:
    """Whether guests place orders in this run: always, unless BENCH_PAGES leaves them out."""
    wanted = wanted_pages()
    return not wanted or PLACE_ORDER in wanted


def client_for(cookie: str) -> Client:
    """An in-process client carrying a visitor's cookie ("name=value", or "" for none)."""
    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    return client


def counted(captured: CaptureQueriesContext) -> int:
    """SQL statements captured, transaction control not counted."""
    return sum(
        1
        for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    )


def statements(url: str, cookie: str) -> int:
    """SQL statements of one request as measured (a warm cache; transaction control not counted);
    0 for the bare view."""
    if url == BARE:
        return 0
    client = client_for(cookie)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return counted(captured)
