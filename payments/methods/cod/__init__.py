"""Cash on delivery, and where a refund of cash goes (a bank transfer or store credit)."""
