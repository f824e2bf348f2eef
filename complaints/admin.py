"""The complaint desk's staff screens: the queue (filter by status, team, category, channel,
priority; oldest deadline first) and each ticket with its conversation and history.

This first screen only reads (tickets are opened through the intake, and replies, notes and
status changes go through the services, never through a model form)."""

from django.contrib import admin

from shop.admin_safety import MalformedFilterSafeMixin, ReadOnlyAdminMixin, ReadOnlyInlineMixin

from .models import Ticket, TicketEvent, TicketLine, TicketMessage


class TicketLineInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TicketLine
    fields = ["order_line"]


class TicketMessageInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = TicketMessage
    fields = ["created_at", "kind", "author", "body"]


class TicketEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TicketEvent
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "note"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, MalformedFilterSafeMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "subject",
        "status",
        "priority",
        "category",
        "channel",
        "team",
        "assignee",
        "due_at",
        "created_at",
    ]
    list_filter = ["status", "priority", "category", "channel", "team"]
    search_fields = ["number", "subject", "contact_email", "contact_phone", "order__number"]
    list_select_related = ["team", "assignee"]
    ordering = ["due_at", "created_at"]
    date_hierarchy = "created_at"
    fields = [
        "number",
        "status",
        "customer",
        "contact_name",
        "contact_email",
        "contact_phone",
        "order",
        "channel",
        "category",
        "priority",
        "desired_outcome",
        "subject",
        "created_by",
        "created_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "due_at",
    ]
    inlines = [TicketLineInline, TicketMessageInline, TicketEventInline]
    actions = None


# The desk's other screens, one module per part.
from .crisis import admin as crisis_admin  # noqa: E402, F401
from .mentions import admin as mentions_admin  # noqa: E402, F401
