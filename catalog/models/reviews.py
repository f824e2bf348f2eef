"""Customers' ratings and words on products they bought."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .products import Product


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Published")
    HIDDEN = "hidden", _("Hidden")


class Review(models.Model):
    """A customer's rating (1–5) and words on a product they bought; one each, editable.

    Shown once staff approve it; an edit waits for approval again. Written by catalog.services.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    body = models.TextField(_("review"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus, default=ReviewStatus.PENDING
    )
    verified_purchase = models.BooleanField(_("verified purchase"), default=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="catalog_review_one_each"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="catalog_review_rating_1_5"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "status", "-created_at"], name="catalog_review_shown")
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.rating}/5"
