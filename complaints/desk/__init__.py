"""The staff side of the desk: what the ticket screen reads (selectors), its forms, and the
narrower view of customer data an outsourced team gets (masking)."""
