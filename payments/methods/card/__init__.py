"""Card payments through Stripe: PaymentIntents, SetupIntents, webhooks, reconciliation."""
