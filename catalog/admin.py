"""Staff screens for the catalog. Stock and prices change through the services only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services, spreadsheets
from .exceptions import StockError
from .forms_admin import ProductImageForm
from .models import (
    Attribute,
    AttributeValue,
    Category,
    DigitalFile,
    PriceHistory,
    Product,
    ProductImage,
    ProductStatus,
    ProductType,
    Review,
    ReviewStatus,
    SearchMiss,
    StockMovement,
    Variant,
)


@admin.register(Category)
class CategoryAdmin(TreeAdmin, TranslationAdmin):
    form = movenodeform_factory(Category)
    list_display = ["name", "slug", "is_featured", "is_active"]
    search_fields = ["name_tr", "name_en"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        # treebeard marks the tree's level only on a GET; a POST answered with the list (an
        # action refused) needs the mark too, else its template fails (a 500).
        if request.method == "POST" and not hasattr(request, "_treebeard_parent"):
            request._treebeard_parent = None
        return super().changelist_view(request, extra_context)

    def children_view(self, request: HttpRequest, parent_id: str) -> HttpResponse:
        if not parent_id.isascii() or not parent_id.isdigit():  # the tree's ids are numbers
            raise Http404
        return super().children_view(request, parent_id)


@admin.register(ProductType)
class ProductTypeAdmin(TranslationAdmin):
    filter_horizontal = ["attributes"]


class AttributeValueInline(TranslationTabularInline):
    model = AttributeValue
    extra = 1


@admin.register(Attribute)
class AttributeAdmin(TranslationAdmin):
    list_display = ["code", "name", "defines_variant", "filterable"]
    inlines = [AttributeValueInline]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = [
        "sku",
        "price",
        "compare_at_price",
        "sale_price",
        "sale_starts_at",
        "sale_ends_at",
        "weight_grams",
        "barcode",
        "on_hand",
        "allocated",
    ]
    # Stock is changed with a reason on the stock movements screen, never typed over here.
    readonly_fields = ["on_hand", "allocated"]
    show_change_link = True


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 1


class DigitalFileInline(admin.TabularInline):
    model = DigitalFile
    extra = 0


@admin.register(Product)
class ProductAdmin(TranslationAdmin):
    list_display = ["name", "category", "kind", "status", "min_price", "in_stock", "created_at"]
    list_filter = [
        "status",
        "kind",
        "in_stock",
        "is_consumable",
        "category",
        "product_type",
        "vat_rate",
    ]
    search_fields = ["name_tr", "name_en", "variants__sku", "search_text"]
    list_select_related = ["category"]
    filter_horizontal = ["attribute_values"]
    inlines = [VariantInline, ProductImageInline, DigitalFileInline]
    actions = ["activate", "archive"]

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path(
                "export-csv/",
                view(self.export_view),
                {"file_format": "csv"},
                name="catalog_product_export",
            ),
            path(
                "export-xlsx/",
                view(self.export_view),
                {"file_format": "xlsx"},
                name="catalog_product_export_xlsx",
            ),
            path("import-csv/", view(self.import_view), name="catalog_product_import"),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest, file_format: str) -> HttpResponse:
        """Every variant as CSV or XLSX: SKU, names, price, stock (opens in a spreadsheet)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            spreadsheets.export_file(file_format=file_format),
            content_type=spreadsheets.FORMATS[file_format],
        )
        response["Content-Disposition"] = f'attachment; filename="products.{file_format}"'
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV or XLSX file: check it (a preview of the changes or every bad row),
        then apply it."""
        if not (
            self.has_change_permission(request)
            and request.user.has_perm("catalog.change_variant")
            and request.user.has_perm("catalog.add_stockmovement")
        ):
            raise PermissionDenied
        plan, applied = None, False
        upload = request.FILES.get("file")
        if request.method == "POST" and upload is not None:
            data = upload.read(spreadsheets.MAX_BYTES + 1)
            if request.POST.get("apply"):
                try:
                    plan = spreadsheets.import_apply(data=data, by=request.user)
                except StockError as error:
                    self.message_user(
                        request,
                        _("Nothing was changed: %(error)s") % {"error": error},
                        messages.ERROR,
                    )
                else:
                    applied = not plan.errors and bool(plan.changes)
                    if applied:
                        self.message_user(
                            request,
                            ngettext(
                                "%d variant updated.", "%d variants updated.", len(plan.changes)
                            )
                            % len(plan.changes),
                        )
            else:
                plan = spreadsheets.import_check(data=data)
        elif request.method == "POST":
            self.message_user(request, _("Choose a CSV or XLSX file."), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import products from CSV or XLSX"),
            "plan": plan,
            "applied": applied,
            "columns": spreadsheets.COLUMNS,
        }
        return TemplateResponse(request, "admin/catalog/product/import.html", context)

    def save_model(self, request: HttpRequest, obj: Product, form, change: bool) -> None:
        """Blank slugs come from the name (Turkish-aware); a changed slug keeps a 301."""
        previous = Product.objects.filter(pk=obj.pk).first() if change else None
        for code in ("tr", "en"):
            field = f"slug_{code}"
            if not getattr(obj, field):
                name = getattr(obj, f"name_{code}") or obj.name_tr
                setattr(obj, field, services.unique_slug(
                    model=Product, text=name, language=code, exclude_pk=obj.pk
                ))  # fmt: skip
        super().save_model(request, obj, form, change)
        if previous is not None:
            for code in ("tr", "en"):
                services.slug_redirect_record(
                    obj=obj, language=code, old_slug=getattr(previous, f"slug_{code}")
                )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.product_refresh_listing(product_id=form.instance.pk)

    @admin.action(permissions=["change"], description=_("Activate the selected products"))
    def activate(self, request: HttpRequest, queryset) -> None:
        count = services.product_set_status(products=queryset, status=ProductStatus.ACTIVE)
        self.message_user(
            request, ngettext("%d product activated.", "%d products activated.", count) % count
        )

    @admin.action(permissions=["change"], description=_("Archive the selected products"))
    def archive(self, request: HttpRequest, queryset) -> None:
        count = services.product_set_status(products=queryset, status=ProductStatus.ARCHIVED)
        self.message_user(
            request, ngettext("%d product archived.", "%d products archived.", count) % count
        )


class StockMovementForm(forms.ModelForm):
    """A stock change as staff type it, checked by the rules `stock_adjust` applies."""

    class Meta:
        model = StockMovement
        fields = ["variant", "delta", "reason", "note"]

    def clean(self) -> dict:
        data = super().clean()
        variant, delta, reason = data.get("variant"), data.get("delta"), data.get("reason")
        if variant is not None and delta is not None and reason:
            try:
                services.stock_adjust_check(variant=variant, delta=delta, reason=reason)
            except StockError as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """Adding a movement adjusts the stock through `stock_adjust` (locked, validated)."""

    form = StockMovementForm
    list_display = ["created_at", "variant", "delta", "on_hand_after", "reason", "created_by"]
    list_filter = ["reason"]
    search_fields = ["variant__sku", "note"]
    list_select_related = ["variant", "created_by"]
    autocomplete_fields = ["variant"]

    def has_change_permission(self, request: HttpRequest, obj: StockMovement | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StockMovement | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: StockMovement, form, change: bool) -> None:
        try:
            variant = services.stock_adjust(
                variant=obj.variant,
                delta=obj.delta,
                reason=obj.reason,
                by=request.user,
                note=obj.note,
            )
        except StockError as error:  # a concurrent change made it invalid after the form check
            self.message_user(request, str(error), level="error")
            return
        obj.pk = variant.movements.first().pk


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "price", "sale_price", "on_hand", "allocated"]
    search_fields = ["sku", "barcode", "product__name_tr", "product__name_en"]
    list_select_related = ["product"]
    readonly_fields = ["on_hand", "allocated"]


@admin.register(PriceHistory)
class PriceHistoryAdmin(admin.ModelAdmin):
    list_display = ["variant", "price", "starts_at"]
    search_fields = ["variant__sku"]
    list_select_related = ["variant"]


@admin.register(ProductImage)
class ProductImageAdmin(TranslationAdmin):
    form = ProductImageForm
    list_display = ["product", "variant", "alt_text", "width", "height", "position"]
    search_fields = ["product__name_tr", "product__name_en"]
    list_select_related = ["product", "variant"]
    autocomplete_fields = ["product"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Staff publish or hide what customers wrote; they never edit a customer's words."""

    list_display = ["product", "user", "rating", "status", "verified_purchase", "created_at"]
    list_filter = ["status", "rating", "verified_purchase"]
    search_fields = ["product__name_tr", "product__name_en", "user__email", "body"]
    list_select_related = ["product", "user"]
    readonly_fields = [
        "product",
        "user",
        "rating",
        "body",
        "status",
        "verified_purchase",
        "created_at",
    ]
    actions = ["publish", "hide"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(permissions=["change"], description=_("Publish the selected reviews"))
    def publish(self, request: HttpRequest, queryset) -> None:
        count = services.review_moderate(reviews=queryset, status=ReviewStatus.APPROVED)
        self.message_user(
            request, ngettext("%d review published.", "%d reviews published.", count) % count
        )

    @admin.action(permissions=["change"], description=_("Hide the selected reviews"))
    def hide(self, request: HttpRequest, queryset) -> None:
        count = services.review_moderate(reviews=queryset, status=ReviewStatus.HIDDEN)
        self.message_user(
            request, ngettext("%d review hidden.", "%d reviews hidden.", count) % count
        )


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    """What shoppers searched for and did not find, per day: read-only aggregates."""

    list_display = ["query", "day", "count"]
    date_hierarchy = "day"
    search_fields = ["query"]
    ordering = ["-count", "-day"]
    readonly_fields = ["query", "day", "count"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SearchMiss | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SearchMiss | None = None) -> bool:
        return False


# Product questions and answers: their own room (registers their screens).
from .questions import admin as _questions_admin  # noqa: E402, F401
