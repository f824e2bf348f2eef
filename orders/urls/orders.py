"""The order's page, paying and cancelling it, guest tracking, and My orders."""

from django.urls import path

from ..views import coupons, express, my_orders, order, paying

urlpatterns = [
    path("account/orders/", my_orders.order_list, name="order_list"),
    path("account/coupons/", coupons.my_coupons, name="my_coupons"),
    path("account/orders/<str:number>/buy-again/", express.buy_again, name="buy_again"),
    path("orders/<str:number>/", order.order_confirmation, name="confirmation"),
    path("orders/<str:number>/pay/", paying.order_pay, name="pay"),
    path("orders/<str:number>/cancel/", order.order_cancel, name="cancel"),
    path("track/", order.order_track, name="track"),
]
