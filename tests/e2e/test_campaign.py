"""Issue 31's journey in a real browser, in Turkish: a member of the Marketing group builds a
segment in the rule builder (watching its live count), writes a campaign with a shared coupon
for it, previews it and sends it now (the send task runs at once: Celery is eager in the
browser tests); the customer opens the link in her email, buys with the coupon and pays the
courier; the campaign's report shows one conversion with its revenue."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Browser, expect

from crm.models import Campaign, CustomerStats
from crm.notifications.models import Consent, ConsentCurrent
from crm.notifications.services import consent_set
from orders.models import (
    Address,
    Carrier,
    Coupon,
    Order,
    ShippingMethod,
    ShippingRate,
    ShippingRegion,
)
from payments.services import payment_collect_cash
from tests.factories import (
    DEFAULT_PASSWORD,
    ProductFactory,
    StaffFactory,
    UserFactory,
    VariantFactory,
)

from .helpers import PHONE, log_in, watch_for_errors
from .segments import build_segment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop():
    lamp = ProductFactory(
        name_tr="Masa Lambası", name_en="Desk Lamp", slug_tr="masa-lambasi", slug_en="desk-lamp"
    )
    VariantFactory(product=lamp, price=Decimal("200.00"), on_hand=10, weight_grams=1500)
    carrier = Carrier.objects.create(name="Yurtiçi Kargo")
    turkey = ShippingRegion.objects.create(name="Türkiye", countries="TR")
    method = ShippingMethod.objects.create(carrier=carrier, name_tr="Standart", name_en="Standard")
    ShippingRate.objects.create(
        method=method, region=turkey, max_weight_grams=30000, price=Decimal("49.90")
    )
    coupon = Coupon.objects.create(code="BAHAR20", kind="percent", value=Decimal("20"))
    customer = UserFactory(
        verified=True, email="bahar@example.com", first_name="Elif", language="tr"
    )
    consent_set(user=customer, channel="email", granted=True, source=Consent.Source.SIGNUP)
    Address.objects.create(
        user=customer, label="Ev", full_name="Elif Demir", phone="+905321234567",
        province="İzmir", district="Konak", neighbourhood="Alsancak",
        street="Kıbrıs Şehitleri Cad. 1", postal_code="35220",
        is_default_shipping=True, is_default_billing=True,
    )  # fmt: skip
    # Two more accounts the builder's conditions leave out: one said no to email, one has not
    # ordered yet.
    refused = UserFactory(email="hayir@example.com")
    ConsentCurrent.objects.create(user=refused, channel="email", granted=False, source="signup")
    CustomerStats.objects.create(user=refused, orders_count=3, lifetime_value=Decimal("450"))
    newcomer = UserFactory(email="yeni@example.com")
    consent_set(user=newcomer, channel="email", granted=True, source=Consent.Source.SIGNUP)
    CustomerStats.objects.create(user=newcomer, orders_count=0)
    CustomerStats.objects.create(user=customer, orders_count=2, lifetime_value=Decimal("300"))
    return {"customer": customer, "coupon": coupon}


def test_staff_send_a_campaign_and_its_report_shows_the_customers_order(
    browser: Browser, live_server, settings, shop
):
    settings.SITE_URL = live_server.url  # the links in the email lead to this server
    settings.NOTIFICATIONS_QUIET_HOURS = (3, 3)  # never quiet: the email goes at once
    base = live_server.url
    call_command("setup_staff_groups", stdout=StringIO())  # a transactional test flushed them
    marketer = StaffFactory(is_superuser=False, email="pazarlama@example.com")
    marketer.groups.add(Group.objects.get(name="Marketing"))

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="tr-TR")
    staff = desk.new_page()
    staff_errors = watch_for_errors(staff)
    staff.goto(f"{base}/admin/login/")
    staff.locator("input[name=login]").fill(marketer.email)
    staff.locator("input[type=password]").fill(DEFAULT_PASSWORD)
    staff.locator("input[type=password]").press("Enter")
    expect(staff.locator("#user-tools")).to_be_visible()
    segment = build_segment(
        staff,
        base,
        "E-posta izni olanlar",
        [{"field": "consent", "channel": "email"}, {"field": "orders_count", "low": "1"}],
        expected_counts=[2, 1],
    )
    assert segment.member_count == 1
    expect(
        staff.locator("#result_list tbody tr").filter(has_text="E-posta izni olanlar")
    ).to_contain_text("1")
    staff.goto(f"{base}/admin/crm/campaign/add/")
    staff.get_by_label("Ad:").fill("Bahar indirimi")
    staff.get_by_label("Segment:").select_option(label="E-posta izni olanlar")
    staff.get_by_label("Kanal:").select_option("email")
    staff.get_by_label("Açılış sayfası:").fill("/p/masa-lambasi/")
    staff.get_by_label("E-posta konusu (Türkçe):").fill("{first_name}, bahar indirimi başladı")
    staff.get_by_label("E-posta metni (Türkçe):").fill(
        "Merhaba {first_name},\n{coupon_code} koduyla {coupon_value} indirim: {link}"
    )
    staff.get_by_label("E-posta konusu (İngilizce):").fill("{first_name}, the spring sale is on")
    staff.get_by_label("E-posta metni (İngilizce):").fill(
        "Hello {first_name}, {coupon_code}: {link}"
    )
    staff.get_by_label("Kupon:", exact=True).select_option("shared")
    staff.locator("#id_shared_coupon").fill(str(shop["coupon"].pk))
    staff.locator("#id_send_at_0").fill("2030-01-01")
    staff.locator("#id_send_at_1").fill("10:00:00")
    staff.get_by_label("Kontrol grubu (%):").fill("0")  # one customer: she must get it
    staff.get_by_label("Maliyet:").fill("30.00")
    staff.locator("input[name=_save]").click()
    expect(staff).to_have_url(re.compile(r"/admin/crm/campaign/\d+/overview/$"))
    campaign = Campaign.objects.get(name="Bahar indirimi")
    expect(staff.locator("#campaign-status")).to_have_text("Taslak")

    staff.get_by_role("link", name="Önizleme").click()
    expect(staff.locator("#preview-audience")).to_have_text("1")
    expect(staff.locator("#preview-to-send")).to_have_text("1")
    expect(staff.locator(".campaign-sample").first).to_contain_text("Elif, bahar indirimi başladı")
    expect(staff.locator(".campaign-sample").first).to_contain_text("BAHAR20 koduyla %20 indirim")
    staff.get_by_role("link", name="Kampanyaya dön").click()
    staff.get_by_role("button", name="Şimdi gönder").click()
    expect(staff.locator("#campaign-status")).to_have_text("Gönderildi")
    expect(staff.locator("#campaign-sent")).to_have_text("1")

    # The customer opens the link in her email, signed in on her phone.
    (email,) = [m for m in mail.outbox if m.to == [shop["customer"].email]]
    assert email.subject == "Elif, bahar indirimi başladı"
    link = re.search(r"https?://\S+/go/\S+/", email.body).group(0)
    phone = browser.new_context(viewport=PHONE, locale="tr-TR")
    page = phone.new_page()
    errors = watch_for_errors(page)
    log_in(page, base, shop["customer"].email)
    page.goto(link)
    expect(page).to_have_url(f"{base}/p/masa-lambasi/")
    form = page.locator("form.add-to-cart")
    form.locator("button[type=submit]").click()
    expect(page.locator("#cart-count")).to_have_text("1")
    page.locator("#cart-link").click()
    page.locator("#coupon-code").fill("BAHAR20")
    page.locator("form.coupon-form button[type=submit]").click()
    expect(page.locator(".coupon strong")).to_have_text("BAHAR20")
    page.locator("#cart .summary a.button").click()
    expect(page).to_have_url(f"{base}/checkout/")
    page.locator("input[name=payment_method][value=cod]").check()
    expect(page.locator("#grand-total")).to_have_text("₺229,80")  # 160 + 49.90 + 19.90
    page.locator("#id_accept_terms").check()
    page.locator("button[name=action][value=place]").click()
    expect(page.locator("#order-number")).to_be_visible()
    order = Order.objects.get(user=shop["customer"])
    assert order.source_ref == f"campaign:{campaign.pk}" and order.coupon_code == "BAHAR20"

    # The courier brings the cash; the report shows the order and its money.
    payment_collect_cash(payment=order.payments.get(), amount=order.total, by=marketer)
    staff.goto(f"{base}/admin/crm/campaign/{campaign.pk}/report/")
    expect(staff.locator("#report-reach")).to_have_text("1")
    expect(staff.locator("#report-clicked")).to_contain_text("1")
    expect(staff.locator("#report-conversions")).to_have_text("1")
    expect(staff.locator("#report-revenue")).to_have_text("₺229,80")
    expect(staff.locator("#report-cost")).to_have_text("₺30,00")
    assert errors == [] and staff_errors == []
