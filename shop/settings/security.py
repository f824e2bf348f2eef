"""Security: the Content Security Policy, headers, cookies and HTTPS."""

from django.utils.csp import CSP

from .base import PRODUCTION, env
from .files import MEDIA_S3_BUCKET, MEDIA_S3_OPTIONS, STORAGES
from .payments import STRIPE_API_BASE, STRIPE_JS_ORIGIN, _origin, _stripe_key

# Production without Stripe keys takes no cards: its policy names no fake Stripe server.
_STRIPE_JS = [STRIPE_JS_ORIGIN] if _stripe_key or not PRODUCTION else []
_STRIPE_API = [_origin(STRIPE_API_BASE)] if _stripe_key or not PRODUCTION else []

# Where product images are served from, for the policy's img-src.
if not MEDIA_S3_BUCKET:
    _MEDIA_ORIGINS = []
elif STORAGES["default"]["OPTIONS"]["custom_domain"]:
    _MEDIA_ORIGINS = [f"https://{STORAGES['default']['OPTIONS']['custom_domain']}"]
elif MEDIA_S3_OPTIONS["endpoint_url"]:
    _MEDIA_ORIGINS = [_origin(MEDIA_S3_OPTIONS["endpoint_url"])]
else:
    _MEDIA_ORIGINS = [f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com"]

# The Content Security Policy is on in every mode, so tests see what production sees.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, *_STRIPE_JS],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF, *_STRIPE_JS, *_STRIPE_API],
    # Stripe's 3-D Secure challenge runs in frames from Stripe's origins.
    "frame-src": [CSP.SELF, *_STRIPE_JS, "https://hooks.stripe.com"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    # The service worker of browser notifications (/sw.js), and nothing else.
    "worker-src": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "shop.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
# DJANGO_HTTPS=false (production on plain HTTP, for local trials and load tests on 127.0.0.1)
# turns off the HTTPS redirect, HSTS and the Secure cookie flags together; the deploy checks warn.
HTTPS = PRODUCTION and env.bool("DJANGO_HTTPS", default=True)
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Production only: who serves user uploads (MEDIA_URL) when the default storage is the local
# disk. True means a proxy in front of the shop serves MEDIA_ROOT; an object storage (S3) as the
# default storage needs nothing here. The deploy checks fail when neither is the case.
MEDIA_SERVED_BY_PROXY = env.bool("DJANGO_MEDIA_SERVED_BY_PROXY", default=False)
