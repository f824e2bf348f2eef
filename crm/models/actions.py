"""The customer 360's actions and their permissions (its table stays empty, like Lookup's)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["CustomerAction"]


class CustomerAction(models.Model):
    """Holds the permissions of the 360's actions that no model's own permission names well.

    Logging an interaction or a note needs `crm.add_interaction`."""

    class Meta:
        default_permissions = ()
        permissions = [
            ("record_consent", _("Can record a consent a customer gives or withdraws on a call")),
            ("send_customer_message", _("Can send a one-off message to a customer")),
            ("give_goodwill_coupon", _("Can give a goodwill coupon within their limit")),
            ("give_goodwill_points", _("Can give goodwill loyalty points within their limit")),
            ("resend_message", _("Can resend an order message to a customer")),
        ]
        verbose_name = _("customer 360 action")
        verbose_name_plural = _("customer 360 actions")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
