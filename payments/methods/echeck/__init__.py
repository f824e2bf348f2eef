"""E-check payments: a signed, sealed check on the customer's bank account."""
