"""Campaigns: a message to a segment, sent in batches, measured against a holdout group."""
