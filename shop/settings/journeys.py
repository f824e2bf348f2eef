"""The CRM journeys (crm/journeys/): how often each sweep runs and its knobs. Each journey keeps
its own block; the words are staff's (admin → Journeys), not settings."""
