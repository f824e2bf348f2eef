"""Cookie consent (KVKK) and consented, client-side tracking of page views and shop events."""
