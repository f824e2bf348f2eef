"""Customer segments: rules over the per-customer figures (rules.py), RFM groups, saved segments."""
