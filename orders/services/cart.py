"""The cart: add, change, remove, coupons, and merging a guest's cart into the account's."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProductStatus, Variant
from payments.services.points import points_balance, redeem_problem
from shop.models import User

from .. import selectors
from ..exceptions import CartError, CouponRefused
from ..models import Cart, CartLine, CartStatus
from ..pricing import coupon_check, line_states


def cart_for_user(*, user: User | None) -> Cart:
    """A new guest cart, or the customer's open cart (made once, even by racing requests)."""
    if user is None:
        return Cart.objects.create()
    existing = Cart.objects.filter(user=user, status=CartStatus.OPEN).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user)
    except IntegrityError:  # a parallel request made it first
        return Cart.objects.get(user=user, status=CartStatus.OPEN)


def _lock(cart: Cart) -> Cart:
    locked = Cart.objects.select_for_update().get(pk=cart.pk)
    # An agent's phone-order cart is changed through the same services (only from the admin).
    if locked.status not in (CartStatus.OPEN, CartStatus.AGENT):
        raise CartError(_("This cart has already been checked out."))
    return locked


def _bump(cart: Cart) -> None:
    """Every change makes the open checkout forms of this cart stale (see Cart.version)."""
    Cart.objects.filter(pk=cart.pk).update(version=F("version") + 1, updated_at=timezone.now())
    cart.refresh_from_db(fields=["version", "updated_at"])


def _check_quantity(variant: Variant, quantity: int) -> None:
    if quantity < 1:
        raise CartError(_("Enter a quantity of at least 1."))
    if quantity > settings.CART_MAX_QUANTITY:
        raise CartError(
            _("You can buy at most %(max)s of one item.") % {"max": settings.CART_MAX_QUANTITY}
        )
    if variant.product.status != ProductStatus.ACTIVE:
        raise CartError(_("This product is no longer sold."))
    available = max(variant.available, 0)
    if available == 0:
        raise CartError(_("“%(name)s” is out of stock.") % {"name": variant.product.name})
    if quantity > available:
        raise CartError(
            _("Only %(count)s of “%(name)s” left in stock.")
            % {"count": available, "name": variant.product.name}
        )


def cart_add(*, cart: Cart, variant_id: int, quantity: int = 1) -> CartLine:
    """Add units of a variant (on top of what the cart holds), checked against stock."""
    with transaction.atomic():
        cart = _lock(cart)
        variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
        if variant is None:
            raise CartError(_("This product is no longer sold."))
        line = CartLine.objects.filter(cart=cart, variant=variant).first()
        total = quantity + (line.quantity if line else 0)
        if quantity < 1:
            raise CartError(_("Enter a quantity of at least 1."))
        _check_quantity(variant, total)
        price = variant.current_price()
        if line is None:
            line = CartLine.objects.create(
                cart=cart, variant=variant, quantity=total, seen_price=price
            )
        else:
            line.quantity, line.seen_price = total, price
            line.save(update_fields=["quantity", "seen_price"])
        _bump(cart)
    return line


def cart_set_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """Change a line's quantity; zero removes it. Returns the line, or None when removed."""
    if quantity == 0:
        cart_remove(cart=cart, line_id=line_id)
        return None
    with transaction.atomic():
        cart = _lock(cart)
        line = (
            CartLine.objects.select_related("variant__product")
            .filter(cart=cart, pk=line_id)
            .first()
        )
        if line is None:
            raise CartError(_("This item is no longer in your cart."))
        _check_quantity(line.variant, quantity)
        line.quantity = quantity
        line.seen_price = line.variant.current_price()
        line.save(update_fields=["quantity", "seen_price"])
        _bump(cart)
    return line


def cart_remove(*, cart: Cart, line_id: int) -> None:
    with transaction.atomic():
        cart = _lock(cart)
        CartLine.objects.filter(cart=cart, pk=line_id).delete()
        _bump(cart)


def cart_note_prices_seen(*, cart: Cart) -> int:
    """The customer has been shown the current prices: stop flagging them as changed."""
    now = timezone.now()
    changed = []
    for line in CartLine.objects.filter(cart=cart).select_related("variant__product"):
        price = line.variant.current_price(now)
        if line.seen_price != price:
            line.seen_price = price
            changed.append(line)
    if changed:
        CartLine.objects.bulk_update(changed, ["seen_price"])
    return len(changed)


def cart_apply_coupon(*, cart: Cart, code: str, user: User | None, email: str = "") -> Cart:
    """Put a code on the cart if it applies now; one code per order (a new one replaces it)."""
    coupon = selectors.coupon_by_code(code)
    if coupon is None:
        raise CouponRefused(_("This code is not valid."))
    with transaction.atomic():
        cart = _lock(cart)
        lines = selectors.cart_lines(cart=cart)
        selectors.with_coupon_categories(coupon, lines)
        states = line_states(lines, now=timezone.now())
        if not states:
            raise CouponRefused(_("Add something to your cart before using a code."))
        uses = selectors.coupon_uses_by(coupon=coupon, user=user, email=email)
        check = coupon_check(
            coupon=coupon,
            lines=states,
            now=timezone.now(),
            uses_by_customer=uses,
            user_id=user.pk if user is not None and user.is_authenticated else None,
        )
        if check.error:
            raise CouponRefused(check.error)
        cart.coupon = coupon
        cart.save(update_fields=["coupon", "updated_at"])
        _bump(cart)
    return cart


def cart_remove_coupon(*, cart: Cart) -> None:
    with transaction.atomic():
        cart = _lock(cart)
        cart.coupon = None
        cart.save(update_fields=["coupon", "updated_at"])
        _bump(cart)


def cart_use_points(*, cart: Cart, points: int, user: User | None) -> Cart:
    """Choose how many loyalty points to redeem on the cart (0: none); refused clearly when the
    shopper holds fewer, the basket allows fewer, or they are below the minimum."""
    if user is None or not user.is_authenticated:
        raise CartError(_("Sign in to use your points."))
    if points < 0:
        raise CartError(_("Enter a whole number of points."))
    with transaction.atomic():
        cart = _lock(cart)
        if points:
            lines = selectors.cart_lines(cart=cart)
            if not lines:
                raise CartError(_("Add something to your cart before using points."))
            cart.points_to_redeem = 0
            quote = selectors.cart_quote(cart=cart, lines=lines, user=user, with_payment=False)
            problem = redeem_problem(
                points=points,
                held=points_balance(user_id=user.pk),
                items_total=quote.priced.items_total,
            )
            if problem:
                raise CartError(problem)
        cart.points_to_redeem = points
        cart.save(update_fields=["points_to_redeem", "updated_at"])
        _bump(cart)
    return cart


def cart_merge(*, guest_cart: Cart, user: User) -> Cart:
    """On log-in, move a guest cart's lines into the customer's cart without losing any.

    Quantities of the same item are added, capped at what is in stock (and the per-line limit).
    """
    with transaction.atomic():
        guest = Cart.objects.select_for_update().filter(pk=guest_cart.pk).first()
        if guest is None or guest.status != CartStatus.OPEN or guest.user_id is not None:
            return cart_for_user(user=user)
        target = Cart.objects.select_for_update().filter(user=user, status=CartStatus.OPEN).first()
        if target is None:
            guest.user = user
            guest.save(update_fields=["user", "updated_at"])
            _bump(guest)
            return guest
        existing = {line.variant_id: line for line in CartLine.objects.filter(cart=target)}
        for line in CartLine.objects.filter(cart=guest).select_related("variant__product"):
            mine = existing.get(line.variant_id)
            wanted = line.quantity + (mine.quantity if mine else 0)
            cap = min(max(line.variant.available, 0), settings.CART_MAX_QUANTITY)
            quantity = max(min(wanted, cap), mine.quantity if mine else 1)
            if mine:
                mine.quantity = quantity
                mine.save(update_fields=["quantity"])
            else:
                CartLine.objects.create(
                    cart=target, variant=line.variant, quantity=quantity, seen_price=line.seen_price
                )
        if target.coupon_id is None and guest.coupon_id is not None:
            target.coupon_id = guest.coupon_id
            target.save(update_fields=["coupon", "updated_at"])
        guest.status = CartStatus.MERGED
        guest.save(update_fields=["status", "updated_at"])
        _bump(target)
    return target


def cart_delete_stale(*, older_than_days: int | None = None) -> int:
    """Delete guest carts nobody touched for a while (safe to run twice); returns how many."""
    days = older_than_days if older_than_days is not None else settings.CART_GUEST_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    _total, per_model = Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return per_model.get(Cart._meta.label, 0)  # the total would count their lines too
