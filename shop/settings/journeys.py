"""The CRM journeys (crm/journeys/): how often each sweep runs and its knobs. Each journey keeps
its own block; the words are staff's (admin → Journeys), not settings."""

from .base import env

# --- feedback after delivery (crm/journeys/feedback/) ---------------------------------------------
# One survey per order this many days after it was delivered; not asked any more once the
# delivery is older than JOURNEY_FEEDBACK_LATEST_DAYS (the journey was off, say).
JOURNEY_FEEDBACK_AFTER_DAYS = env.int("JOURNEY_FEEDBACK_AFTER_DAYS", default=3)
JOURNEY_FEEDBACK_LATEST_DAYS = env.int("JOURNEY_FEEDBACK_LATEST_DAYS", default=14)
JOURNEY_FEEDBACK_EVERY_SECONDS = env.int("JOURNEY_FEEDBACK_EVERY_SECONDS", default=3600)
# An optional extra question, one text per shop language (both blank: not asked; one blank:
# the other is shown). Stored with each answer as it was asked.
JOURNEY_FEEDBACK_EXTRA_QUESTION = {
    "tr": env.str("JOURNEY_FEEDBACK_EXTRA_QUESTION_TR", default=""),
    "en": env.str("JOURNEY_FEEDBACK_EXTRA_QUESTION_EN", default=""),
}
# --- end feedback ---
