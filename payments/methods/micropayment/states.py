"""The tab's statuses and the moves between them; changed only by `services.tab_transition`.

A tab takes purchases while open; a settlement moves it to settling under its lock; paid, it is
settled for good; declined, it is blocked (no new purchases) until a later charge pays it. A
settlement given up on puts it back (open, or blocked after a decline).
"""

from ...models import Tab

T = Tab.Status
TAB_TRANSITIONS: dict[str, frozenset[str]] = {
    # Open → settled: everything on it was cancelled, or a late answer paid it.
    T.OPEN: frozenset({T.SETTLING, T.SETTLED, T.BLOCKED}),
    T.SETTLING: frozenset({T.OPEN, T.SETTLED, T.BLOCKED}),
    T.BLOCKED: frozenset({T.SETTLING, T.SETTLED}),
    T.SETTLED: frozenset(),
}


def can_tab_transition(current: str, target: str) -> bool:
    """True for a move the table allows; staying where it is (with new details) is allowed."""
    return current == target or target in TAB_TRANSITIONS.get(current, frozenset())
