"""The category tree, product types, attributes and their values."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


def unique_slug_per_language(model: str) -> list[models.UniqueConstraint]:
    """Slugs are unique within each language (an empty one is filled in on save)."""
    return [
        models.UniqueConstraint(
            fields=[f"slug_{code}"],
            condition=~Q(**{f"slug_{code}": ""}),
            name=f"catalog_{model}_slug_{code}_unique",
        )
        for code in ("tr", "en")
    ]


class Category(MP_Node):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        # Listings select a subtree with `path LIKE 'prefix%'`; PostgreSQL needs pattern ops.
        indexes = [
            models.Index(
                fields=["path"],
                name="catalog_category_path_like",
                opclasses=["varchar_pattern_ops"],
            )
        ]
        constraints = unique_slug_per_language("category")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", args=[self.slug])

    def trail(self) -> list["Category"]:
        """This category and its ancestors, root first (breadcrumbs): one query."""
        return [*type(self).objects.get_ancestors(self), self]


class ProductType(models.Model):
    """What kind of thing a product is (book, shirt, software): which attributes it has."""

    name = models.CharField(_("name"), max_length=80)
    attributes = models.ManyToManyField("Attribute", blank=True, verbose_name=_("attributes"))

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """Colour, size, author, format… Variant-defining ones make the variant picker."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    defines_variant = models.BooleanField(_("distinguishes variants"), default=False)
    filterable = models.BooleanField(_("filter on listings"), default=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(_("value"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        ordering = ["attribute", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "slug"], name="catalog_value_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attribute}: {self.value}"
