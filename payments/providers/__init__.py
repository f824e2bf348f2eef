"""Payment method providers. Each module registers one provider when imported (apps.ready)."""
