"""Phone orders from the admin: an agent fills a cart for a customer on the call and the shop
places it and emails the customer the link to pay (services.phone_order_place).

Two screens under the orders admin, with a permission of their own (PHONE_ORDER_PERMISSION):
who the order is for, then the cart (add by SKU, change, remove), the address, shipping and
payment. Every change goes through the cart services, which check stock.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from catalog.models import Variant
from payments.states import PaymentMethod
from shop.exceptions import ShopError

from .. import selectors, services
from ..forms import PhoneOrderAddForm, PhoneOrderPlaceForm, PhoneOrderStartForm
from ..models import Cart, CartStatus
from ..states import OrderSource
from .permissions import PHONE_ORDER_PERMISSION

_SESSION_KEY = "phone-order:{}"


class PhoneOrderMixin:
    """The phone order screens of OrderAdmin."""

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("phone/", view(self.phone_start_view), name="orders_order_phone_start"),
            path("phone/<int:cart_id>/", view(self.phone_cart_view), name="orders_order_phone"),
            *super().get_urls(),
        ]

    def phone_start_view(self, request: HttpRequest) -> HttpResponse:
        """Who the order is for: an account is found by its email; any other email is a guest."""
        _require(request)
        prefill = {key: request.GET[key][:254] for key in ("email", "phone") if key in request.GET}
        form = PhoneOrderStartForm(
            request.POST or None, initial={"language": settings.LANGUAGE_CODE, **prefill}
        )
        if request.method == "POST" and form.is_valid():
            cart = services.phone_order_cart(email=form.cleaned_data["email"])
            request.session[_SESSION_KEY.format(cart.pk)] = form.cleaned_data
            if cart.user_id is None:
                self.message_user(request, _("No account has this email: a guest order."))
            else:
                self.message_user(request, _("An order for the customer's account."))
            return redirect("admin:orders_order_phone", cart.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("New phone order"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/orders/order/phone_start.html", context)

    def phone_cart_view(self, request: HttpRequest, cart_id: int) -> HttpResponse:
        """The agent's cart: add by SKU, remove a line, price for an address, place the order."""
        _require(request)
        cart = Cart.objects.select_related("user").filter(pk=cart_id).first()
        if cart is not None and cart.status == CartStatus.ORDERED and request.method == "POST":
            # The page placed twice (a double click, the back button): the order it made.
            placed = selectors.order_by_token(token=request.POST.get("token", ""))
            if placed is not None and placed.source == OrderSource.AGENT:
                self.message_user(
                    request, _("Order %(number)s was placed.") % {"number": placed.number}
                )
                return redirect("admin:orders_order_phone_start")
        if cart is None or cart.status != CartStatus.AGENT:
            raise Http404
        who = request.session.get(_SESSION_KEY.format(cart.pk), {})
        action = request.POST.get("action", "") if request.method == "POST" else ""
        add_form = PhoneOrderAddForm(request.POST if action == "add" else None)
        if action == "add" and add_form.is_valid():
            _add(request, cart, add_form)
            return redirect("admin:orders_order_phone", cart.pk)
        if action == "remove":
            try:
                services.cart_remove(cart=cart, line_id=int(request.POST.get("line", "0")))
            except (ShopError, ValueError) as error:
                self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:orders_order_phone", cart.pk)
        methods = selectors.shipping_methods()
        place_form = PhoneOrderPlaceForm(
            request.POST if action in ("quote", "place") else None,
            initial=_initial(cart, who),
            shipping_methods=methods,
            payment_methods=[
                (m, PaymentMethod(m).label if m in PaymentMethod.values else m)
                for m in settings.PHONE_ORDER_PAYMENT_METHODS
            ],
        )
        address = None
        if action in ("quote", "place") and place_form.is_valid():
            address = place_form.save(commit=False)
            if action == "place":
                placed = self._place(request, cart, place_form, address)
                if placed is not None:
                    return placed
        quote = selectors.cart_quote(
            cart=cart,
            user=cart.user,
            email=cart.user.email if cart.user else who.get("email", ""),
            country=address.country if address else "",
            province=address.province if address else "",
            shipping_method_id=place_form.cleaned_data.get("shipping_method") if address else None,
            payment_method=place_form.cleaned_data.get("payment_method", "") if address else "",
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Phone order for %(who)s")
            % {"who": cart.user.email if cart.user else who.get("email", _("a guest"))},
            "cart": cart,
            "customer": cart.user,
            "quote": quote,
            "priced": quote.priced,
            "add_form": add_form,
            "place_form": place_form,
            "opts": self.model._meta,
        }
        status = 400 if action and (add_form.errors or place_form.errors) else 200
        return TemplateResponse(
            request, "admin/orders/order/phone_order.html", context, status=status
        )

    def _place(self, request: HttpRequest, cart: Cart, form, address) -> HttpResponse | None:
        data = form.cleaned_data
        if not data["accept_terms"]:
            form.add_error("accept_terms", _("The customer must accept the texts first."))
            return None
        try:
            order = services.phone_order_place(
                request=services.PhoneOrderRequest(
                    cart_id=cart.pk,
                    token=data["token"],
                    agent=request.user,
                    email=data["email"],
                    language=data["language"],
                    address=address,
                    payment_method=data["payment_method"],
                    accepted_terms=True,
                    shipping_method_id=data["shipping_method"],
                    accepted_digital_waiver=data["accept_digital_waiver"],
                )
            )
        except ShopError as error:
            form.add_error(None, str(error))
            return None
        request.session.pop(_SESSION_KEY.format(cart.pk), None)
        self.message_user(
            request,
            _("Order %(number)s placed; the customer has been sent the link.")
            % {"number": order.number},
        )
        if self.has_view_permission(request, order):
            return redirect("admin:orders_order_change", order.pk)
        return redirect("admin:orders_order_phone_start")


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm(PHONE_ORDER_PERMISSION):
        raise PermissionDenied


def _add(request: HttpRequest, cart: Cart, form: PhoneOrderAddForm) -> None:
    sku = form.cleaned_data["sku"].strip()
    variant = Variant.objects.filter(sku__iexact=sku).only("pk").first()
    if variant is None:
        messages.error(request, _("No product has the SKU %(sku)s.") % {"sku": sku})
        return
    try:
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=form.cleaned_data["quantity"])
    except ShopError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Added %(sku)s.") % {"sku": sku})


def _initial(cart: Cart, who: dict) -> dict:
    customer = cart.user
    return {
        "token": cart.token,
        "email": customer.email if customer else who.get("email", ""),
        "language": (customer.language if customer else "") or who.get("language", "tr"),
        "full_name": who.get("full_name", "") or (customer.get_full_name() if customer else ""),
        "phone": who.get("phone", "") or (customer.phone if customer else ""),
        "country": "TR",
    }
