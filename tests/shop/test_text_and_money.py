from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shop.money import format_money, from_minor_units, to_minor_units, to_money, vat_included_in
from shop.phones import clean_mobile
from shop.text import capfirst, fold, slugify_tr


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Kırmızı Işık", "kirmizi-isik"),
        ("İpek Eşarp", "ipek-esarp"),
        ("Çağdaş Öykü & Şiir", "cagdas-oyku-siir"),
        ("  Ünlü   GÜNEŞ  ", "unlu-gunes"),
        ("Crème brûlée", "creme-brulee"),
    ],
)
def test_turkish_slugs_read_right(text, slug):
    assert slugify_tr(text) == slug


def test_fold_makes_dotted_and_dotless_i_meet():
    assert fold("İSTANBUL") == fold("istanbul") == fold("ıstanbul") == "istanbul"


def test_money_rounds_half_up_and_refuses_floats():
    assert to_money("2.345") == Decimal("2.35")
    assert to_money(Decimal("2.344")) == Decimal("2.34")
    with pytest.raises(TypeError):
        to_money(2.5)


def test_minor_units_round_trip():
    assert to_minor_units(Decimal("1234.56")) == 123456
    assert from_minor_units(123456) == Decimal("1234.56")


def test_vat_inside_a_vat_included_price():
    # 120.00 with 20 % VAT contains 20.00 VAT; 110.00 with 10 % contains 10.00.
    assert vat_included_in(Decimal("120.00"), Decimal("0.20")) == Decimal("20.00")
    assert vat_included_in(Decimal("110.00"), Decimal("0.10")) == Decimal("10.00")
    assert vat_included_in(Decimal("99.99"), Decimal("0.01")) == Decimal("0.99")


def test_a_typed_mobile_number_is_cleaned_to_e164_or_refused_with_one_reason():
    assert clean_mobile(" 0532 123 45 67 ") == "+905321234567"
    assert clean_mobile("") == ""
    with pytest.raises(ValidationError) as refused:
        clean_mobile("0212 123 45 67")  # a landline
    [reason] = refused.value.messages
    assert "0532 123 45 67" in reason  # the example, in either language


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("tr", "il", "İl"),
        ("tr", "ilçe", "İlçe"),
        ("tr", "ırmak", "Irmak"),
        ("tr", "şehir", "Şehir"),
        ("en", "invoice", "Invoice"),
        ("tr", "", ""),
    ],
)
def test_capfirst_follows_the_language_rules_for_i(language, text, expected):
    with translation.override(language):
        assert capfirst(text) == expected


def test_django_labels_and_the_capfirst_filter_use_the_turkish_rules():
    from django.template import Context, Template

    from orders.models import Address

    with translation.override("tr"):
        assert Address._meta.get_field("province").formfield().label == "İl"
        assert Template("{{ word|capfirst }}").render(Context({"word": "ilçe"})) == "İlçe"
    with translation.override("en"):
        assert Address._meta.get_field("province").formfield().label == "Province"


@pytest.mark.parametrize(
    ("language", "amount", "shown"),
    [
        ("tr", "1234.5", "₺1.234,50"),
        ("en", "1234.5", "₺1,234.50"),
        ("tr", "-49.90", "-₺49,90"),  # a purchase on the balance statement
        ("en", "-1234.50", "-₺1,234.50"),
        ("en", "-0.00", "₺0.00"),
    ],
)
def test_money_is_written_as_people_read_it_with_the_sign_before_the_symbol(
    language, amount, shown
):
    with translation.override(language):
        assert format_money(Decimal(amount)) == shown
