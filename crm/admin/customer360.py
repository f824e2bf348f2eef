"""The customer 360: one staff page per customer, at /admin/crm/customer/<user_id>/360/.

Its own permission (`crm.view_customer360`, on the `Customer` proxy); every opening is audited
by the service. The panels come from `crm.registry` (crm's own and those other apps register).
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm.notifications.models import Status
from crm.notifications.services import consent_record_by_staff
from shop.admin_safety import ReadOnlyAdminMixin
from shop.exceptions import ShopError
from shop.models import User
from shop.money import format_money

from ..customer360 import actions, selectors, services
from ..customer360 import forms as action_forms
from ..models import Customer, GoodwillApproval, Interaction
from ..staff.exceptions import OverAgentLimit
from ..staff.interactions import interaction_log
from ..staff.limits import goodwill_approval_request

PERMISSION = "crm.view_customer360"


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Customers found by name, email or phone, each linking to its 360; read-only (customers
    are edited on the user screen). Needs the 360's permission, like the page itself."""

    list_display = ["email", "first_name", "last_name", "phone", "date_joined", "open_360"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    list_filter = ["is_active"]
    ordering = ["-date_joined"]
    actions = None
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return super().get_queryset(request).filter(is_staff=False)

    @admin.display(description=_("Customer 360"))
    def open_360(self, customer: Customer) -> str:
        url = reverse("admin:crm_customer360", args=[customer.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Customer 360"))

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        view = wrap(self.customer360_view)
        action_urls = [
            path(
                f"<int:user_id>/360/{name}/",
                wrap(getattr(self, f"{name}_view")),
                name=f"crm_customer360_{name}",
            )
            for name in ("log", "note", "consent", "message", "coupon", "points")
        ]
        return [
            path("<int:user_id>/360/", view, name="crm_customer360"),
            *action_urls,
            path(
                "<int:user_id>/360/resend/<int:message_id>/",
                wrap(require_POST(self.resend_view)),
                name="crm_customer360_resend",
            ),
            *super().get_urls(),
        ]

    def customer360_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        customer = selectors.customer_for_360(user_id=user_id)
        if customer is None:
            raise Http404
        services.customer360_record_view(customer=customer, by=request.user)
        page = selectors.customer360(customer=customer, viewer=request.user)
        name = customer.get_full_name() or customer.email
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Customer 360: %(name)s") % {"name": name},
            "subtitle": None,
            "opts": self.model._meta,
            "page": page,
            "customer": customer,
        }
        return TemplateResponse(request, "admin/crm/customer360.html", context)

    # --- the actions: one small form each, one service each, back to the 360 on success --------

    def _customer(self, request: HttpRequest, user_id: int, permission: str) -> User:
        if not (request.user.has_perm(PERMISSION) and request.user.has_perm(permission)):
            raise PermissionDenied
        customer = selectors.customer_for_360(user_id=user_id)
        if customer is None:
            raise Http404
        return customer

    def _back(self, customer: User) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:crm_customer360", args=[customer.pk]))

    def _action_page(
        self,
        request: HttpRequest,
        *,
        user_id: int,
        permission: str,
        form_class: type[forms.Form],
        title: str,
        act: Callable[[User, forms.Form], str],
        extra: Callable[[User, forms.Form, ShopError | None], dict] | None = None,
    ) -> HttpResponse:
        """GET: the form. POST: `act(customer, form)` runs the service and says what happened;
        a domain error is shown above the form and nothing changes."""
        customer = self._customer(request, user_id, permission)
        error: ShopError | None = None
        if request.method == "POST":
            form = form_class(request.POST, customer=customer)
            if form.is_valid():
                try:
                    done = act(customer, form)
                except ShopError as refused:
                    error = refused
                    form.add_error(None, str(refused))
                else:
                    if done:
                        messages.success(request, done)
                    return self._back(customer)
        else:
            form = form_class(customer=customer)
        name = customer.get_full_name() or customer.email
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {name}",
            "subtitle": None,
            "opts": self.model._meta,
            "customer": customer,
            "form": form,
            "action_title": title,
            **(extra(customer, form, error) if extra else {}),
        }
        return TemplateResponse(request, "admin/crm/customer360_action.html", context)

    def log_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        def act(customer: User, form: forms.Form) -> str:
            data = form.cleaned_data
            interaction_log(
                agent=request.user,
                channel=data["channel"],
                direction=data["direction"],
                summary=data["summary"],
                outcome=data["outcome"],
                customer=customer,
                order=data["order"],
                recording_ref=data["recording_ref"],
            )
            return gettext("The interaction is logged.")

        return self._action_page(
            request,
            user_id=user_id,
            permission="crm.add_interaction",
            form_class=action_forms.InteractionForm,
            title=gettext("Log an interaction"),
            act=act,
        )

    def note_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        def act(customer: User, form: forms.Form) -> str:
            interaction_log(
                agent=request.user,
                channel=Interaction.Channel.NOTE,
                direction=Interaction.Direction.INTERNAL,
                summary=form.cleaned_data["text"],
                outcome=Interaction.Outcome.NOTED,
                customer=customer,
                order=form.cleaned_data["order"],
            )
            return gettext("The note is saved.")

        return self._action_page(
            request,
            user_id=user_id,
            permission="crm.add_interaction",
            form_class=action_forms.NoteForm,
            title=gettext("Add a note"),
            act=act,
        )

    def consent_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        def act(customer: User, form: forms.Form) -> str:
            data = form.cleaned_data
            decision = consent_record_by_staff(
                agent=request.user,
                user=customer,
                channel=data["channel"],
                granted=data["granted"],
                note=data["note"],
            )
            if decision is None:
                return gettext("Nothing changed: that was already the customer's decision.")
            if data["granted"]:
                return gettext("Consent recorded as given.")
            return gettext("Consent recorded as withdrawn.")

        return self._action_page(
            request,
            user_id=user_id,
            permission="crm.record_consent",
            form_class=action_forms.ConsentForm,
            title=gettext("Record a consent"),
            act=act,
        )

    def message_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        def act(customer: User, form: forms.Form) -> str:
            data = form.cleaned_data
            complaint = None
            if data["complaint"].strip():
                complaint = actions.customer_complaint(customer=customer, number=data["complaint"])
                if complaint is None:
                    raise actions.ActionRefused(
                        gettext("%(number)s is not a complaint of this customer.")
                        % {"number": data["complaint"].strip()}
                    )
            message = actions.customer_message_send(
                agent=request.user,
                customer=customer,
                channel=data["channel"],
                subject=data["subject"],
                body=data["body"],
                token=data["token"],
                order=data["order"],
                complaint=complaint,
            )
            if message.status == Status.SUPPRESSED:
                why = SUPPRESSION_REASONS.get(message.status_reason, message.status_reason)
                not_sent = gettext("The message was not sent: %(why)s.") % {"why": why}
                messages.warning(request, not_sent)
                return ""
            return gettext("The message is on its way (%(status)s).") % {
                "status": message.get_status_display().lower()
            }

        return self._action_page(
            request,
            user_id=user_id,
            permission="crm.send_customer_message",
            form_class=action_forms.MessageForm,
            title=gettext("Send a message"),
            act=act,
        )

    def _goodwill_page(
        self,
        request: HttpRequest,
        user_id: int,
        *,
        kind: str,
        amount_field: str,
        permission: str,
        form_class: type[forms.Form],
        title: str,
        give: Callable[[User, dict], str],
        asked: Callable[[dict], str],
    ) -> HttpResponse:
        """A goodwill form: `give` within the agent's limit; above it the page offers to ask a
        team lead, and "request_approval" files that request instead."""
        asks = "request_approval" in request.POST

        def act(customer: User, form: forms.Form) -> str:
            data = form.cleaned_data
            if not asks:
                return give(customer, data)
            goodwill_approval_request(
                agent=request.user,
                customer=customer,
                kind=kind,
                amount=data[amount_field],
                reason=data["reason"],
            )
            return asked(data)

        def extra(customer: User, form: forms.Form, error: ShopError | None) -> dict:
            may_ask = request.user.has_perm("crm.add_goodwillapproval")
            return {"offer_approval": isinstance(error, OverAgentLimit) and may_ask}

        return self._action_page(
            request,
            user_id=user_id,
            permission=permission,
            form_class=form_class,
            title=title,
            act=act,
            extra=extra,
        )

    def coupon_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        def give(customer: User, data: dict) -> str:
            coupon = actions.goodwill_coupon_give(
                agent=request.user,
                customer=customer,
                value=data["value"],
                valid_days=data["valid_days"],
                reason=data["reason"],
                token=data["token"],
            )
            return gettext(
                "Coupon %(code)s for %(value)s is the customer's, valid until %(date)s."
            ) % {
                "code": coupon.code,
                "value": format_money(coupon.value),
                "date": coupon.ends_at.date().isoformat(),
            }

        return self._goodwill_page(
            request,
            user_id,
            kind=GoodwillApproval.Kind.COUPON,
            amount_field="value",
            permission="crm.give_goodwill_coupon",
            form_class=action_forms.CouponForm,
            title=gettext("Give a goodwill coupon"),
            give=give,
            asked=lambda data: (
                gettext("A team lead has been asked to approve a coupon of %(value)s.")
                % {"value": format_money(data["value"])}
            ),
        )

    def points_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        def give(customer: User, data: dict) -> str:
            entry = actions.goodwill_points_give(
                agent=request.user,
                customer=customer,
                points=data["points"],
                reason=data["reason"],
                token=data["token"],
            )
            return gettext("%(points)s goodwill points are the customer's.") % {
                "points": entry.points
            }

        return self._goodwill_page(
            request,
            user_id,
            kind=GoodwillApproval.Kind.POINTS,
            amount_field="points",
            permission="crm.give_goodwill_points",
            form_class=action_forms.PointsForm,
            title=gettext("Give goodwill points"),
            give=give,
            asked=lambda data: (
                gettext("A team lead has been asked to approve %(points)s points.")
                % {"points": data["points"]}
            ),
        )

    def resend_view(self, request: HttpRequest, user_id: int, message_id: int) -> HttpResponse:
        customer = self._customer(request, user_id, "crm.resend_message")
        try:
            actions.order_message_resend(
                agent=request.user, customer=customer, message_id=message_id
            )
        except ShopError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, gettext("The message is sent again."))
        return self._back(customer)


SUPPRESSION_REASONS = {
    "no consent": _("the customer has not consented to marketing on this channel"),
    "address suppressed": _("this address bounced or complained and takes no marketing"),
    "weekly cap reached": _("the customer has had the most marketing messages a week allows"),
}
