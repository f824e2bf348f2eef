"""Values of the embedded default that must never reach production.

Settings use them as development defaults; the deploy checks (shop/checks.py) refuse them.
"""

DEV_SECRET_KEY = "dev-only-insecure-key-0c1f9e2b7a4d6e8f3a5b7c9d1e3f5a7b"
FAKE_STRIPE_SECRET_KEY = "sk_test_local_fake_stripe"
FAKE_STRIPE_PUBLISHABLE_KEY = "pk_test_local_fake_stripe"
FAKE_STRIPE_WEBHOOK_SECRET = "whsec_local_fake_stripe"
DEV_NOTIFICATIONS_WEBHOOK_SECRET = "dev-webhook-secret"
# E-checks: the seal's HMAC key and the Fernet key that encrypts account numbers at rest.
DEV_ECHECK_SEAL_KEY = "dev-only-echeck-seal-key-7b1d4f0e9a2c"
DEV_ECHECK_ENCRYPTION_KEY = "Itkfpe35wyQ3h6fdM3DSF5hqkh2XAvzfL_VT14ROoLo="
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})  # noqa: S104 - a list, no bind
# The complaint desk's inbound-email webhook (complaints/inbound/webhook.py).
DEV_COMPLAINTS_INBOUND_WEBHOOK_SECRET = "dev-inbound-webhook-secret"
# The mention inbox's webhook (complaints/mentions/webhook.py).
DEV_COMPLAINTS_MENTIONS_WEBHOOK_SECRET = "dev-mentions-webhook-secret"
