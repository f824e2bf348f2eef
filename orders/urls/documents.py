"""An order's documents: the invoice, credit notes and digital downloads."""

from django.urls import path

from ..views import documents

urlpatterns = [
    path("orders/<str:number>/invoice/", documents.order_invoice, name="invoice"),
    path(
        "orders/<str:number>/credit-notes/<str:credit_number>/",
        documents.order_credit_note,
        name="credit_note",
    ),
    path("orders/<str:number>/downloads/<str:token>/", documents.order_download, name="download"),
]
