"""The help centre: staff-written articles (crm.models.help), their pages, search and votes,
and the few most relevant articles shown before a complaint is sent."""
