"""The footer's legal pages: real texts in both languages, naming the seller from settings,
versioned, and marked for legal review until a lawyer approves them."""

import pytest

from shop.views import LEGAL_PAGES

pytestmark = pytest.mark.django_db

SELLER = {
    "SELLER_NAME": "Örnek Ticaret A.Ş.",
    "SELLER_ADDRESS": "Bağdat Cad. 10, 34728 Kadıköy / İstanbul",
    "SELLER_MERSIS": "0123456789000015",
    "SELLER_TAX_OFFICE": "Göztepe",
    "SELLER_TAX_NUMBER": "1234567890",
    "SELLER_EMAIL": "yardim@ornek.example",
    "SELLER_PHONE": "+90 216 000 00 00",
    "SELLER_KEP_ADDRESS": "ornek@hs01.kep.tr",
}

# A few words each text must carry, per language: what the issue asks each page to cover.
MUST_SAY = {
    ("tr", "privacy"): ["Veri sorumlusu", "hukuki sebep", "Aktarım", "KVKK m. 11", "açık rıza"],
    ("en", "privacy"): ["Data controller", "legal bases", "Transfers", "art. 11", "consent"],
    ("tr", "terms"): ["Kullanım kuralları", "Fikri mülkiyet"],
    ("en", "terms"): ["Fair use", "Intellectual property"],
    ("tr", "distance-sales"): ["Taraflar", "Cayma hakkı", "Tüketici Hakem Heyetleri"],
    ("en", "distance-sales"): ["Parties", "Right of withdrawal", "Consumer Arbitration"],
    ("tr", "returns"): ["14 gün", "sipariş takip", "cayma hakkının kullanılamadığı"],
    ("en", "returns"): ["14 days", "order tracking", "does not apply"],
    ("tr", "cookies"): ["sessionid", "csrftoken", "dukkan_language", "dk_consent", "dk_visitor"],
    ("en", "cookies"): ["sessionid", "csrftoken", "dukkan_language", "dk_consent", "dk_visitor"],
}


@pytest.mark.parametrize(("language", "page"), sorted(MUST_SAY))
def test_each_legal_page_carries_its_text_and_the_sellers_details(client, settings, language, page):
    for key, value in SELLER.items():
        setattr(settings, key, value)
    settings.LEGAL_DOCUMENTS_VERSION = "2027-01"
    prefix = "" if language == "tr" else "/en"
    response = client.get(f"{prefix}/legal/{page}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    for words in MUST_SAY[(language, page)]:
        assert words.lower() in html.lower(), words
    assert SELLER["SELLER_NAME"] in html
    assert "2027-01" in html  # versioned like the checkout documents
    if page in ("privacy", "terms", "distance-sales"):
        for key in ("SELLER_ADDRESS", "SELLER_MERSIS", "SELLER_TAX_NUMBER", "SELLER_KEP_ADDRESS"):
            assert SELLER[key] in html, key
    assert 'id="legal-review"' in html
    assert "being prepared" not in html


def test_the_review_note_goes_once_the_texts_are_approved(client, settings):
    settings.LEGAL_TEXTS_REVIEWED = True
    html = client.get("/legal/privacy/").content.decode()
    assert 'id="legal-review"' not in html and "Veri sorumlusu" in html


def test_the_footer_links_all_five_legal_pages_and_an_unknown_one_is_a_404(client):
    html = client.get("/en/legal/terms/").content.decode()
    for page in LEGAL_PAGES:
        assert f'href="/en/legal/{page}/"' in html
    assert len(LEGAL_PAGES) == 5
    assert client.get("/legal/nothing/").status_code == 404
