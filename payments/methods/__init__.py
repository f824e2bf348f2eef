"""One package per payment method: its provider (registered when imported), its own services,
its webhooks. The shared ledger, refund and void services live in payments/services/."""
