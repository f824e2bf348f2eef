"""The automatic journeys: birthday, special days, forgotten cart, back in stock, feedback,
points expiry, win-back.

Each journey is an hourly periodic job (a sweep) that finds its occasions and queues one
message per occasion through the outbox with a dedupe key naming it (`birthday:<user>:<year>`),
so a second run, or a run after a worker died mid-batch, queues nothing twice. The words are
staff's (`notifications.MessageText`, restricted placeholders); the switch and the 30-day
report are per journey (`registry.py` says which message kinds make up each).
"""
