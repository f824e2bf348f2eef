"""'Customers who bought this also bought': each product's top list, kept by a periodic job.

`crm.recommendations.services.bought_together_refresh` rewrites a product's rows only when its
list changed (set-based SQL over accepted orders). Pages read the list through the catalog's
registry (catalog.recommendations); the personal recommender sums the lists of what a customer
bought or viewed (crm.recommendations.selectors).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PairSource(models.TextChoices):
    BOUGHT = "bought", _("Bought together")
    CATEGORY = "category", _("Category best seller")  # the fallback fill, score 0


class BoughtTogether(models.Model):
    """One place on a product's list: `other` was bought with `product` (or, as the fallback,
    sells best in its category), at `position` (1 first)."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    other = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="bought_together_with",
        verbose_name=_("also bought"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # Cosine of the two products' order sets: orders with both ÷ √(orders with each); 0 for a
    # category best seller.
    score = models.FloatField(_("score"))
    orders_together = models.PositiveIntegerField(_("orders with both"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=PairSource)

    class Meta:
        verbose_name = _("bought-together pair")
        verbose_name_plural = _("bought-together pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "position"], name="crm_bought_together_position"
            ),
            models.UniqueConstraint(fields=["product", "other"], name="crm_bought_together_pair"),
        ]
        indexes = [
            # The personal recommender joins from the candidate's side.
            models.Index(fields=["other", "product"], name="crm_bought_together_other_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} → {self.other_id} #{self.position}"
