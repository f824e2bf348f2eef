"""The digital wallet: saved cards (Stripe PaymentMethods) paid with off-session."""
