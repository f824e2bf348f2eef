"""Retention of closed complaints (docs/complaints.md, "Retention"): the job is
`complaints.services.retention`; other parts of the desk that keep personal text about a ticket
(a satisfaction comment, a mention's author) register a scrubber here, called with the ids of
the tickets being anonymised, inside the same transaction."""

from collections.abc import Callable, Sequence

_scrubbers: dict[str, Callable[[Sequence[int]], None]] = {}


def register_ticket_scrubber(name: str, scrub: Callable[[Sequence[int]], None]) -> None:
    _scrubbers[name] = scrub


def ticket_scrubbers() -> list[Callable[[Sequence[int]], None]]:
    return [_scrubbers[name] for name in sorted(_scrubbers)]
