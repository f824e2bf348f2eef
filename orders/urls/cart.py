"""Cart and checkout: the cart, the one-page checkout and one-click buying."""

from django.urls import path

from ..views import cart, checkout, express, shipping

urlpatterns = [
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_line_update, name="cart_line"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_line_remove, name="cart_line_remove"),
    path("cart/coupon/", cart.cart_coupon, name="cart_coupon"),
    path("cart/coupon/remove/", cart.cart_coupon_remove, name="cart_coupon_remove"),
    path("cart/points/", cart.cart_points, name="cart_points"),
    # The province shipping is estimated for (the cart and product pages' chooser).
    path("shipping/province/", shipping.shipping_province, name="shipping_province"),
    path("checkout/", checkout.checkout, name="checkout"),
    # One-click buying (the wallet): its own express cart and confirmation page.
    path("buy-now/", express.buy_now, name="buy_now"),
    path("buy-now/<int:pk>/", express.express, name="express"),
]
