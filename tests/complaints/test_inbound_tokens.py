"""The desk's reply address: made for a ticket token, read back from a reply's recipients, and
no ticket at all when altered."""

import pytest

from complaints.inbound.parse import inbound_parse
from complaints.inbound.tokens import reply_address, reply_token_read

TOKEN = "3f2a9c0d4b8e4f6a9d1c2b3a4e5f6071"  # a UUID's hex, as the ticket code may give


@pytest.fixture(autouse=True)
def _reply_settings(settings):
    settings.COMPLAINTS_REPLY_LOCAL_PART = "destek"
    settings.COMPLAINTS_REPLY_DOMAIN = "dukkan.example"


def test_reply_address_round_trips_through_a_customers_reply():
    address = reply_address(TOKEN)
    assert address.startswith(f"destek+{TOKEN}.") and address.endswith("@dukkan.example")
    assert len(address.partition("@")[0]) <= 64

    reply = (
        f"From: Ayşe <ayse@example.com>\nTo: Dükkan Destek <{address}>\n"
        "Cc: ayse.kardes@example.com\nSubject: Re: Şikâyetiniz\n\nTamam, bekliyorum.\n"
    ).encode()
    assert reply_token_read(inbound_parse(reply).recipients) == TOKEN


def test_reading_survives_case_changes_of_the_signature_and_domain():
    address = reply_address(TOKEN)
    local, _, domain = address.partition("@")
    assert (
        reply_token_read([f"{local.upper().replace(TOKEN.upper(), TOKEN)}@{domain.upper()}"])
        == TOKEN
    )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda address: address.replace("destek+3", "destek+4"),  # another token
        lambda address: address.replace(".", ".0", 1),  # another signature
        lambda address: address.replace("@", "0@"),
        lambda address: address.split(".")[0] + "@dukkan.example",  # no signature
        lambda address: address.replace("destek+", "satis+"),  # not the desk's local part
    ],
)
def test_an_altered_reply_address_names_no_ticket(tamper):
    assert reply_token_read([tamper(reply_address(TOKEN))]) is None


def test_plain_desk_and_other_addresses_name_no_ticket():
    assert reply_token_read(["destek@dukkan.example", "ayse@example.com", "", "destek+@x"]) is None
    assert reply_token_read([]) is None


def test_a_rotated_secret_key_still_reads_old_addresses_but_not_without_the_fallback(settings):
    address = reply_address(TOKEN)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    assert reply_token_read([address]) is None
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert reply_token_read([address]) == TOKEN


@pytest.mark.parametrize("token", ["", "has space", "dots.in.it", "ş", "x" * 40])
def test_a_token_that_cannot_live_in_an_address_is_refused(token):
    with pytest.raises(ValueError):
        reply_address(token)


def test_the_domain_defaults_to_the_sites_host():
    from shop.settings.complaints import _mail_domain

    assert _mail_domain("https://www.dukkan.com.tr") == "dukkan.com.tr"
    assert _mail_domain("https://shop.example.com/") == "shop.example.com"
    assert _mail_domain("http://127.0.0.1:8000") == "dukkan.local"
    assert _mail_domain("http://localhost:8000") == "dukkan.local"
