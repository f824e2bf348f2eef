"""Accounts: Django's auth and allauth (email login, verification, rate limits)."""

from urllib.parse import urlsplit

from .base import SITE_NAME, SITE_URL, env

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "shop.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "shop:profile"
LOGOUT_REDIRECT_URL = "catalog:home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# A new account signs in only once its address is verified (guest checkout needs no account).
# With mandatory verification, signing up with a taken address mails that address instead of
# saying so on the page: sign-up reveals no accounts.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS_ENABLED = True
# How many proxies in front of the shop we run (load balancer, nginx): the client address is the
# X-Forwarded-For entry that many from the right. 0 (no proxy) ignores the header. Every rate
# limit and every consent/contract IP record reads it through shop.net.client_ip.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "shop.adapters.AccountAdapter"
# Marketing consent boxes on the sign-up form, recorded with their source and text version.
ACCOUNT_SIGNUP_FORM_CLASS = "crm.forms.SignupConsentForm"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
