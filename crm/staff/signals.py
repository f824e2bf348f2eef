"""Signals the staff side of crm sends to the apps above it (complaints).

`goodwill_approval_decided` is sent inside the transaction that records a lead's decision,
under the approval's row lock, once per approval: a receiver's writes (the complaint desk runs
the action that waited for it) commit or roll back with the decision, and anything that talks
to the outside world (a refund at the provider) must wait for commit.
"""

from django.dispatch import Signal

# kwargs: approval (GoodwillApproval, decided: approved or refused), by (User: the lead)
goodwill_approval_decided = Signal()
