from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, CalendarDay, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "phone",
        "language",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone")}),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


# allauth's action declares no permission: a view-only staff member could verify any address.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AllauthEmailAddressAdmin):
    """allauth's screen, its "mark verified" action needing the change permission."""

    @admin.action(
        permissions=["change"], description=_("Mark selected email addresses as verified")
    )
    def make_verified(self, request: HttpRequest, queryset: QuerySet[EmailAddress]) -> None:
        super().make_verified(request, queryset)


class StaffActorFilter(admin.SimpleListFilter):
    """Per staff member: only staff appear as choices (customers act on their own pages)."""

    title = _("by")
    parameter_name = "actor"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        staff = User.objects.filter(is_staff=True).order_by("email").values_list("pk", "email")
        return [(str(pk), email) for pk, email in staff]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(actor_id=int(value))
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: filter by staff member, action or object (type and id)."""

    list_display = ["created_at", "actor", "action", "object_type", "object_id", "reason"]
    list_filter = [StaffActorFilter, "action", "object_type"]
    search_fields = ["=object_id", "reason"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at", "actor", "action", "object_type", "object_id", "reason", "details"
    ]  # fmt: skip
    fields = readonly_fields

    def lookup_allowed(self, lookup: str, value: str, request=None) -> bool:
        # One object's trail: ?object_type=payments.refund&object_id=7 (linked from its page).
        return lookup in ("object_type", "object_id") or super().lookup_allowed(
            lookup, value, request
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The business calendar: holidays and half days seeded each year, and the shop's own
    closures and worked weekend days. An edit is kept when the year is seeded again."""

    list_display = ["date", "kind", "name", "closes_at", "from_library"]
    list_filter = ["kind", "from_library", ("date", admin.DateFieldListFilter)]
    search_fields = ["name", "name_en"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name", "name_en", "closes_at"]

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: object, change: bool
    ) -> None:
        obj.from_library = False  # staff decided this day: a re-seed leaves it alone
        super().save_model(request, obj, form, change)
