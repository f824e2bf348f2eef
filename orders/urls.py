from django.urls import path

from . import express_views, views

app_name = "orders"

urlpatterns = [
    path("account/addresses/", views.address_list, name="address_list"),
    path("account/addresses/new/", views.address_edit, name="address_add"),
    path("account/addresses/<int:pk>/", views.address_edit, name="address_edit"),
    path("account/addresses/<int:pk>/delete/", views.address_delete, name="address_delete"),
    path("account/orders/", views.order_list, name="order_list"),
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", views.cart_line_update, name="cart_line"),
    path("cart/lines/<int:line_id>/remove/", views.cart_line_remove, name="cart_line_remove"),
    path("cart/coupon/", views.cart_coupon, name="cart_coupon"),
    path("cart/coupon/remove/", views.cart_coupon_remove, name="cart_coupon_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/<str:number>/", views.order_confirmation, name="confirmation"),
    path("orders/<str:number>/pay/", views.order_pay, name="pay"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="cancel"),
    path("orders/<str:number>/invoice/", views.order_invoice, name="invoice"),
    path("orders/<str:number>/return/", views.order_return, name="return"),
    path(
        "orders/<str:number>/refunds/<int:refund_id>/account/",
        views.order_refund_account,
        name="refund_account",
    ),
    path(
        "orders/<str:number>/credit-notes/<str:credit_number>/",
        views.order_credit_note,
        name="credit_note",
    ),
    path("orders/<str:number>/downloads/<str:token>/", views.order_download, name="download"),
    path("track/", views.order_track, name="track"),
    # One-click buying (the wallet): its own express cart and confirmation page.
    path("buy-now/", express_views.buy_now, name="buy_now"),
    path("buy-now/<int:pk>/", express_views.express, name="express"),
    path("account/orders/<str:number>/buy-again/", express_views.buy_again, name="buy_again"),
]
