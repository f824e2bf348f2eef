"""The customer's payment pages, inside the language-prefixed URLs (namespace "wallet")."""

from django.urls import path

from . import account_views as views

app_name = "wallet"

urlpatterns = [
    path("account/wallet/", views.wallet, name="cards"),
    path("account/wallet/add/", views.wallet_add, name="add"),
    path("account/wallet/<int:pk>/default/", views.wallet_default, name="default"),
    path("account/wallet/<int:pk>/remove/", views.wallet_remove, name="remove"),
    path("account/balance/", views.balance, name="balance"),
    path("account/balance/top-up/<int:pk>/", views.top_up_pay, name="top_up_pay"),
    path("account/tab/", views.tab, name="tab"),
    path("account/points/", views.points, name="points"),
    path("account/tab/pay/", views.tab_pay, name="tab_pay"),
]
