"""`{picks}` for campaign texts: the recipient's personal recommendations as lines of names and
links in their language — the monthly "picked for you" campaign is a campaign with this
placeholder and "repeat every month" ticked (docs/campaigns.md)."""

from django.conf import settings
from django.utils import translation

from shop.models import User

from .selectors import personal_recommendations

PICKS = 4


def picks_text(user: User, language: str) -> str:
    """Up to four products picked for the customer, one per line: "- Name: https://…"."""
    with translation.override(language):
        return "\n".join(
            f"- {product.name}: {settings.SITE_URL}{product.get_absolute_url()}"
            for product in personal_recommendations(user=user, limit=PICKS)
        )
