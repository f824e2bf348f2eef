"""Back in stock: on a sold-out product page a shopper asks to be told (signed in: at once; a
guest: after clicking the link we email); when the catalog says a variant is back
(`catalog.signals.variant_back_in_stock`, after commit) or the hourly sweep finds it so, the
waiting requests are told once each, oldest first, no more than the units × a factor.

Transactional (the shopper asked), outside the weekly cap; every message carries a signed
opt-out link that cancels the address's waiting requests.
"""
