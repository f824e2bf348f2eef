"""Returns from the order's page, and where a cash refund goes."""

from django.urls import path

from ..views import exchanges, returns

urlpatterns = [
    path("orders/<str:number>/return/", returns.order_return, name="return"),
    path("orders/<str:number>/exchange/", exchanges.order_exchange, name="exchange"),
    path(
        "orders/<str:number>/refunds/<int:refund_id>/account/",
        returns.order_refund_account,
        name="refund_account",
    ),
]
