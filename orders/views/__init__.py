"""The shop's orders pages, one module per subject; the URL modules in orders/urls/ name them.

- cart, checkout (with its view model checkout_page), express (one-click buying), paying
- order (the order's page, cancelling, guest tracking; view model order_page), my_orders
- returns; documents (invoice, credit notes, downloads); carriers (their tracking webhooks)
- addresses (the address book); access and limits are what several of them share
"""
