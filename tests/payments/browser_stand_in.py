"""What Stripe.js does in the shopper's browser, done against the fake Stripe server.

Card numbers go from here to the fake server only, as they go from the browser to Stripe:
never through our views. Browser journeys do the same through the real Stripe.js shim.
"""

import json
import urllib.parse
import urllib.request

import stripe

CARDS = {
    "visa": "4242424242424242",
    "declined": "4000000000000341",  # attaches fine, every charge is declined
    "3ds": "4000002500003155",  # asks for 3-D Secure
}


def fake_stripe(base_url: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_local_fake_stripe", base_addresses={"api": base_url})


def confirm_card_setup(base_url: str, setup_intent_id: str, card: str = "visa") -> str:
    """Confirm the SetupIntent with a test card (3-D Secure completed); the PaymentMethod id."""
    client = fake_stripe(base_url)
    data = {
        "type": "card",
        "card": {"number": CARDS[card], "exp_month": 12, "exp_year": 2031, "cvc": "123"},
    }
    intent = client.v1.setup_intents.confirm(setup_intent_id, params={"payment_method_data": data})
    if intent.status == "requires_action":  # the shopper completes 3-D Secure
        intent = client.v1.setup_intents.confirm(setup_intent_id)
    assert intent.status == "succeeded", intent.status
    return intent.payment_method


def authenticate_payment(base_url: str, client_secret: str, *, success: bool = True) -> None:
    """Finish 3-D Secure on a PaymentIntent, as confirmCardPayment does after the prompt."""
    intent_id = client_secret.split("_secret_")[0]
    query = urllib.parse.urlencode({"success": "true" if success else "false"})
    request = urllib.request.Request(
        f"{base_url}/v1/payment_intents/{intent_id}/_authenticate?{query}",
        data=json.dumps(
            {"key": "pk_test_local_fake_stripe", "client_secret": client_secret}
        ).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=5).close()
