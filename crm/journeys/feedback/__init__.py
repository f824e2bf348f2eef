"""Feedback after delivery: N days after an order arrives, one short survey (0–10, a comment,
an optional extra question) through a signed link that needs no sign-in.

`setup.register_feedback` registers the message kind, the journey, the 360 panel and the
receiver that opens a survey when an order is delivered (from `crm.journeys.setup`)."""
