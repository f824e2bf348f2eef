"""The one-page checkout's view model: the forms, the priced cart and the legal texts.

Kept out of views.py so the view stays a few lines: build the page from the request, price
the cart for the current choices, and turn a valid page into a `CheckoutRequest`.
"""

from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse

from payments.services import payment_checkout_resolve
from shop.net import client_ip  # X-Forwarded-For only from ALLAUTH_TRUSTED_PROXY_COUNT proxies

from .. import selectors
from ..attribution import source_ref_from_session
from ..forms import NEW, CheckoutAddressForm, CheckoutForm
from ..geo import province_name
from ..legal import Buyer, LegalDocument, render_documents
from ..models import Address, Cart
from ..pricing import PaymentChoice
from ..services import CheckoutRequest


class CheckoutPage:
    def __init__(self, request: HttpRequest, cart: Cart) -> None:
        self.request = request
        self.cart = cart
        user = request.user if request.user.is_authenticated else None
        self.user = user
        self.data = request.POST if request.method == "POST" else None
        self.addresses = list(selectors.addresses_of(user=user)) if user else []
        self.by_pk = {str(a.pk): a for a in self.addresses}
        default_ship = next((a for a in self.addresses if a.is_default_shipping), None)
        default_bill = next((a for a in self.addresses if a.is_default_billing), None)
        initial = {
            "email": user.email if user else "",
            "phone": user.phone if user else "",
            "shipping_choice": str(default_ship.pk) if default_ship else NEW,
            "billing_choice": str(default_bill.pk) if default_bill else NEW,
            "billing_same": True,
            "save_address": True,
        }
        person = {"full_name": user.get_full_name(), "phone": user.phone} if user else {}
        self.ship_form = CheckoutAddressForm(
            self.data, prefix="ship", instance=Address(user=user), initial=person
        )
        self.bill_form = CheckoutAddressForm(
            self.data, prefix="bill", instance=Address(user=user), initial=person
        )
        refresh = {
            "hx-post": reverse("orders:checkout"),
            "hx-trigger": "change",
            "hx-include": "#checkout-form",
            "hx-vals": '{"action": "refresh"}',
            "hx-target": "#checkout-live",
            "hx-select": "#checkout-live",
            "hx-swap": "outerHTML",
        }
        for name in ("country", "province"):
            self.ship_form.fields[name].widget.attrs.update(refresh)
        self.lines = selectors.cart_lines(cart=cart)
        raw = self.data or {}
        self.shipping_choice = raw.get("shipping_choice", initial["shipping_choice"])
        self.billing_choice = raw.get("billing_choice", initial["billing_choice"])
        self.billing_same = (raw.get("billing_same") == "on") if self.data else True
        country, province = self._destination()
        try:
            method_id = int(raw.get("shipping_method", ""))
        except ValueError:
            method_id = None
        self.quote = selectors.cart_quote(
            cart=cart,
            lines=self.lines,
            user=user,
            email=raw.get("email", initial["email"]),
            country=country,
            province=province,
            shipping_method_id=method_id,
            payment_method=raw.get("payment_method", ""),
        )
        self.priced = self.quote.priced
        self.payment = self._chosen_payment(raw.get("payment_method", ""))
        self.payment_method = self.payment.method if self.payment else ""
        self.form = CheckoutForm(
            self.data,
            initial={
                **initial,
                "shipping_method": self.priced.shipping.method.pk if self.priced.shipping else None,
                "payment_method": self.payment_method,
            },
            addresses=self.addresses,
            shipping_ids=[o.method.pk for o in self.quote.shipping_options],
            payment_methods=[
                c.method for c in self.quote.payment_options if c.availability.available
            ],
        )

    @property
    def ship_form_in_use(self) -> bool:
        """The new delivery address is what the customer fills in (not a saved one)."""
        return self.needs_shipping and self.shipping_choice not in self.by_pk

    @property
    def bill_form_in_use(self) -> bool:
        """A separate billing address is asked for: only its errors are the customer's to fix."""
        if self.needs_shipping and self.billing_same:
            return False
        return self.billing_choice not in self.by_pk

    @property
    def free_shipping(self) -> bool:
        return self.priced.shipping is not None and not self.priced.shipping.price

    @property
    def items_total(self) -> Decimal:
        return self.priced.items_total

    @property
    def needs_shipping(self) -> bool:
        return self.priced.needs_shipping

    def _chosen_payment(self, asked: str) -> PaymentChoice | None:
        """The method the quote charges for; none if it replaced the visitor's unavailable pick."""
        chosen = self.priced.payment
        if chosen is None or (asked and chosen.method != asked):
            return None
        return chosen

    def _destination(self) -> tuple[str, str]:
        if self.shipping_choice in self.by_pk:
            address = self.by_pk[self.shipping_choice]
            return address.country, address.province
        raw = self.data or {}
        country = (raw.get("ship-country") or "TR").strip().upper()
        province = (raw.get("ship-province") or "").strip()
        if not province and not self.data:
            return "", ""
        return country, province_name(province)

    def shipping_address(self) -> Address | None:
        if not self.needs_shipping:
            return None
        if self.shipping_choice in self.by_pk:
            return self.by_pk[self.shipping_choice]
        return self.ship_form.instance if self.ship_form.is_valid() else None

    def billing_address(self) -> Address | None:
        if self.needs_shipping and self.billing_same:
            return self.shipping_address()
        if self.billing_choice in self.by_pk:
            return self.by_pk[self.billing_choice]
        return self.bill_form.instance if self.bill_form.is_valid() else None

    def is_valid(self) -> bool:
        # Evaluate every form so each shows its errors.
        results = [self.form.is_valid()]
        if self.needs_shipping:
            results.append(self.shipping_address() is not None)
        results.append(self.billing_address() is not None)
        return all(results)

    def checkout_request(self) -> CheckoutRequest:
        data = self.form.cleaned_data
        shipping = self.shipping_address()
        # The chosen method, resolved once for the whole placement, with its part of the form.
        payment = payment_checkout_resolve(method=data.get("payment_method") or "", data=data)
        return CheckoutRequest(
            token=data["token"],
            cart_id=self.cart.pk,
            items_total=data["items_total"],
            grand_total=data["grand_total"],
            email=data["email"],
            phone=data["phone"],
            language=self.request.LANGUAGE_CODE,
            user=self.user,
            shipping_address=shipping,
            billing_address=self.billing_address(),
            shipping_method_id=data.get("shipping_method"),
            payment_method=data.get("payment_method") or "",
            accepted_terms=data["accept_terms"],
            accepted_digital_waiver=data["accept_digital_waiver"],
            ip_address=client_ip(self.request),
            payment_details=payment.details if payment is not None else None,
            payment=payment,
            source_ref=source_ref_from_session(self.request.session),
            save_address=bool(
                self.user
                and data.get("save_address")
                and shipping is not None
                and shipping.pk is None
            ),
        )

    def documents(self) -> list[LegalDocument]:
        """The legal texts as they stand for the current choices (shown above the checkbox)."""
        raw = self.data or {}
        billing = self.billing_address() if self.data else None
        shipping = self.shipping_address() if self.data else None
        if billing is None:
            billing = self.by_pk.get(self.billing_choice) or self.by_pk.get(self.shipping_choice)
        if shipping is None and self.needs_shipping:
            shipping = self.by_pk.get(self.shipping_choice)
        buyer = Buyer.of(
            email=raw.get("email") or (self.user.email if self.user else ""),
            phone=raw.get("phone") or (self.user.phone if self.user else ""),
            billing=billing or Address(full_name=raw.get("ship-full_name", "")),
            delivery=shipping,
            has_account=self.user is not None,
        )
        return render_documents(
            priced=self.priced,
            buyer=buyer,
            payment_label=self.payment.label if self.payment else "",
            language=self.request.LANGUAGE_CODE,
        )
