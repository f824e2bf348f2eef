"""The prepaid balance: top-ups by card, orders paid from the balance."""
