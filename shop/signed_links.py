"""A random token carried in a link, signed with the site's key under a salt of its own: an
altered link reads as None before any query, and a link signed for one purpose (a ticket, a
survey) never reads for another."""

from django.core import signing


class SignedToken:
    def __init__(self, salt: str) -> None:
        self.salt = salt

    def sign(self, token: str) -> str:
        return signing.Signer(salt=self.salt).sign(token)

    def read(self, signed: str) -> str | None:
        """The token a link carries, or None if it was altered (or signed for another use)."""
        try:
            return signing.Signer(salt=self.salt).unsign(signed)
        except signing.BadSignature:
            return None
