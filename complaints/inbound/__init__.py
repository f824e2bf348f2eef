"""Inbound email for the complaint desk, without the tickets: parsing a raw message, the signed
reply address, the provider webhook's signature and reading a maildir (docs/complaints.md)."""
