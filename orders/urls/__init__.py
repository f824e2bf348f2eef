"""The orders pages under the language prefix (namespace "orders"), one module per subject.

The carriers' webhooks live in orders.urls.carriers: shop/urls.py includes them outside the
language prefixes.
"""

from . import addresses, cart, documents, orders, returns

app_name = "orders"

urlpatterns = [
    *addresses.urlpatterns,
    *cart.urlpatterns,
    *orders.urlpatterns,
    *returns.urlpatterns,
    *documents.urlpatterns,
]
