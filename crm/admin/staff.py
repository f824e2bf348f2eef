"""Staff screens of the CRM: teams and limits, goodwill approvals, interactions, the callback
queue and the call-centre lookup console (/admin/crm/lookup/)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import AgentLimit, Callback, GoodwillApproval, Interaction, Lookup, Team
from crm.registry import registered_contact_actions
from crm.staff import callbacks as callback_services
from crm.staff.exceptions import StaffError
from crm.staff.interactions import interaction_log
from crm.staff.limits import DECIDE_PERMISSION, goodwill_approval_decide, goodwill_approval_request
from crm.staff.lookup import customer_360_url, customer_lookup, phone_lookup
from shop.admin_safety import ReadOnlyAdminMixin
from shop.phones import format_mobile, normalize_phone

LOOKUP_PERMISSION = "crm.use_lookup"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "lead", "member_count", "outsourced"]
    list_filter = ["outsourced"]
    search_fields = ["name"]
    raw_id_fields = ["lead"]
    filter_horizontal = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).select_related("lead").prefetch_related("members")

    @admin.display(description=gettext_lazy("members"))
    def member_count(self, team: Team) -> int:
        return len(team.members.all())


@admin.register(AgentLimit)
class AgentLimitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "max_goodwill_points", "max_coupon_value", "max_refund_amount"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "group"]


class GoodwillRequestForm(forms.ModelForm):
    class Meta:
        model = GoodwillApproval
        fields = ["customer", "kind", "amount", "reason"]


@admin.register(GoodwillApproval)
class GoodwillApprovalAdmin(admin.ModelAdmin):
    form = GoodwillRequestForm
    list_display = ["created_at", "customer", "kind", "amount", "status", "requested_by"]
    list_filter = ["status", "kind"]
    list_select_related = ["customer", "requested_by"]
    raw_id_fields = ["customer"]
    search_fields = ["customer__email", "reason"]
    actions = ["approve_selected", "refuse_selected"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # decided through the actions, never edited

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(DECIDE_PERMISSION)

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        if obj is None:
            return []
        return [f.name for f in GoodwillApproval._meta.fields]

    def save_model(self, request: HttpRequest, obj: GoodwillApproval, form, change: bool) -> None:
        created = goodwill_approval_request(
            agent=request.user,
            customer=obj.customer,
            kind=obj.kind,
            amount=obj.amount,
            reason=obj.reason,
        )
        obj.pk = created.pk

    def _decide(self, request: HttpRequest, queryset: QuerySet, *, approve: bool) -> None:
        decided = 0
        for approval in queryset:
            try:
                goodwill_approval_decide(approval_id=approval.pk, by=request.user, approve=approve)
                decided += 1
            except StaffError as error:
                self.message_user(request, f"{approval}: {error}", messages.ERROR)
        if decided:
            self.message_user(request, _("%(count)d request(s) decided.") % {"count": decided})

    @admin.action(permissions=["decide"], description=gettext_lazy("Approve the selected requests"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(permissions=["decide"], description=gettext_lazy("Refuse the selected requests"))
    def refuse_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._decide(request, queryset, approve=False)


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = [
            "customer",
            "contact_email",
            "contact_phone",
            "channel",
            "direction",
            "outcome",
            "summary",
            "order",
            "recording_ref",
            "subject_type",
            "subject_id",
        ]

    def clean_contact_phone(self) -> str:
        raw = self.cleaned_data.get("contact_phone", "").strip()
        return normalize_phone(raw) if raw else ""

    def clean(self) -> dict:
        data = super().clean()
        someone = data.get("customer") or data.get("contact_email") or data.get("contact_phone")
        if not someone and not self.errors:
            raise forms.ValidationError(_("Name the customer, or the guest's email or phone."))
        return data


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    form = InteractionForm
    list_display = ["created_at", "who_display", "channel", "direction", "outcome", "agent"]
    list_filter = ["channel", "direction", "outcome", ("agent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["customer", "agent"]
    date_hierarchy = "created_at"
    raw_id_fields = ["customer", "order"]
    search_fields = ["customer__email", "contact_email", "contact_phone", "summary"]
    show_full_result_count = False

    @admin.display(description=gettext_lazy("customer or contact"))
    def who_display(self, interaction: Interaction) -> str:
        return interaction.who

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        if obj is None:
            return []
        return [*InteractionForm.Meta.fields, "agent", "created_at"]

    def save_model(self, request: HttpRequest, obj: Interaction, form, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        subject = (data["subject_type"], data["subject_id"]) if data.get("subject_type") else None
        created = interaction_log(
            agent=request.user,
            channel=data["channel"],
            direction=data["direction"],
            summary=data["summary"],
            outcome=data["outcome"],
            customer=data.get("customer"),
            contact_email=data.get("contact_email") or "",
            contact_phone=data.get("contact_phone") or "",
            order=data.get("order"),
            recording_ref=data.get("recording_ref") or "",
            subject=subject,
        )
        obj.pk = created.pk

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except StaffError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class CallbackOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[c for c in Interaction.Outcome.choices if c[0] != Interaction.Outcome.NOTED],
    )
    summary = forms.CharField(label=gettext_lazy("Summary"), widget=forms.Textarea)
    recording_ref = forms.CharField(label=gettext_lazy("Call recording"), required=False)


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = [
        "due_display",
        "name",
        "phone_display",
        "topic",
        "order_number",
        "status",
        "taken_by",
        "next_step",
    ]
    list_filter = ["status", "topic"]
    list_select_related = ["taken_by"]
    ordering = ["due_at", "pk"]
    search_fields = ["phone", "name", "order_number"]
    readonly_fields = [f.name for f in Callback._meta.fields]

    class Media:
        css = {"all": ["crm/admin/callbacks.css"]}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from the site's "Call me back" page

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("due"), ordering="due_at")
    def due_display(self, callback: Callback) -> str:
        when = timezone.localtime(callback.due_at).strftime("%Y-%m-%d %H:%M")
        if callback.is_overdue:
            return format_html(
                '<strong class="callback-overdue">{} · {}</strong>', when, _("Overdue")
            )
        return when

    @admin.display(description=gettext_lazy("phone"))
    def phone_display(self, callback: Callback) -> str:
        return format_mobile(callback.phone)

    @admin.display(description=gettext_lazy("next step"))
    def next_step(self, callback: Callback) -> str:
        if callback.status == Callback.Status.OPEN:
            return format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:crm_callback_take", args=[callback.pk]),
                _("Take"),
            )
        if callback.status == Callback.Status.TAKEN:
            return format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:crm_callback_outcome", args=[callback.pk]),
                _("Log the outcome"),
            )
        return ""

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/take/", view(self.take_view), name="crm_callback_take"),
            path("<int:pk>/outcome/", view(self.outcome_view), name="crm_callback_outcome"),
            *super().get_urls(),
        ]

    def _may_work(self, request: HttpRequest) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def take_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET shows the callback with a Take button; POST takes it (one agent wins)."""
        self._may_work(request)
        callback = get_object_or_404(Callback, pk=pk)
        if request.method == "POST":
            try:
                callback = callback_services.callback_take(callback_id=pk, agent=request.user)
            except StaffError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(reverse("admin:crm_callback_changelist"))
            self.message_user(request, _("You took this callback: call the customer now."))
            return HttpResponseRedirect(reverse("admin:crm_callback_outcome", args=[pk]))
        return self._render(request, callback, "take", None)

    def outcome_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._may_work(request)
        callback = get_object_or_404(Callback, pk=pk)
        form = CallbackOutcomeForm(request.POST or None)
        if request.method == "POST" and request.POST.get("release"):
            try:
                callback_services.callback_release(callback_id=pk, agent=request.user)
                self.message_user(request, _("The callback is back in the queue."))
            except StaffError as error:
                self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:crm_callback_changelist"))
        if request.method == "POST" and form.is_valid():
            try:
                callback_services.callback_close(
                    callback_id=pk, agent=request.user, **form.cleaned_data
                )
            except StaffError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, _("The outcome is logged."))
                return HttpResponseRedirect(reverse("admin:crm_callback_changelist"))
        return self._render(request, callback, "outcome", form)

    def _render(self, request: HttpRequest, callback: Callback, step: str, form) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(callback),
            "callback": callback,
            "phone": format_mobile(callback.phone),
            "customer_url": customer_360_url(callback.customer_id) if callback.customer_id else "",
            "step": step,
            "form": form,
            "mine": callback.taken_by_id == request.user.pk,
        }
        return TemplateResponse(request, "admin/crm/callback_step.html", context)


@admin.register(Lookup)
class LookupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The call-centre console: one search box; `?phone=` is the telephone system's screen-pop."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(LOOKUP_PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(LOOKUP_PERMISSION)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [path("", view(self.changelist_view), name="crm_lookup_changelist")]

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        screen_pop = "phone" in request.GET
        query = request.GET.get("phone" if screen_pop else "q", "").strip()
        result, error = None, ""
        try:
            if screen_pop:
                result = phone_lookup(phone=query)
            elif query:
                result = customer_lookup(query=query)
        except StaffError as refused:
            error = str(refused)
        if screen_pop and result is not None and result.single_account is not None:
            return HttpResponseRedirect(customer_360_url(result.single_account.pk))
        accounts = [
            {"user": user, "url": customer_360_url(user.pk), "phone": format_mobile(user.phone)}
            for user in (result.accounts if result else [])
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Customer lookup"),
            "query": query,
            "result": result,
            "accounts": accounts,
            "error": error,
            "new_contact": result is not None and not result.accounts,
            "new_contact_links": _new_contact_links(result) if result else {},
            "contact_actions": _contact_actions(request, result),
            "guest_rows": _guest_order_rows(request, result),
        }
        return TemplateResponse(request, "admin/crm/lookup.html", context)


def _contact_actions(request: HttpRequest, result) -> list[tuple[str, str, str]]:
    """(name, title, url) of the registered guest-contact links for what was searched."""
    if result is None or result.accounts:
        return []
    contact = {
        "phone": result.normalized if result.kind == "phone" else "",
        "email": result.normalized if result.kind == "email" else "",
        "name": "",
        "order": result.normalized if result.kind == "order" else "",
    }
    return [
        (action.name, action.title, action.url(contact))
        for action in registered_contact_actions()
        if not action.permission or request.user.has_perm(action.permission)
    ]


def _guest_order_rows(request: HttpRequest, result) -> list[tuple[object, list]]:
    """Each guest order found, with the registered contact links for the order's contact."""
    if result is None:
        return []
    actions = [
        action
        for action in registered_contact_actions()
        if not action.permission or request.user.has_perm(action.permission)
    ]
    rows = []
    for order in result.guest_orders:
        contact = {
            "phone": order.phone or "",
            "email": order.email or "",
            "name": (order.billing_address or {}).get("full_name", ""),
            "order": order.number,
        }
        rows.append((order, [(a.name, a.title, a.url(contact)) for a in actions]))
    return rows


def _new_contact_links(result) -> dict[str, str]:
    """Where an agent goes when nobody was found: a new customer, a phone order, a guest log."""
    from urllib.parse import urlencode

    contact = {}
    if result.kind == "phone":
        contact = {"contact_phone": result.normalized}
    elif result.kind == "email":
        contact = {"contact_email": result.normalized}
    interaction = {"channel": Interaction.Channel.PHONE, "direction": "inbound", **contact}
    return {
        "customer": reverse("admin:shop_user_add"),
        "phone_order": phone_order_url(
            phone=contact.get("contact_phone", ""), email=contact.get("contact_email", "")
        ),
        "interaction": f"{reverse('admin:crm_interaction_add')}?{urlencode(interaction)}",
    }


def phone_order_url(*, phone: str = "", email: str = "") -> str:
    """The phone-order screen, with the caller's number or email filled in."""
    from urllib.parse import urlencode

    known = {key: value for key, value in (("phone", phone), ("email", email)) if value}
    url = reverse("admin:orders_order_phone_start")
    return f"{url}?{urlencode(known)}" if known else url
