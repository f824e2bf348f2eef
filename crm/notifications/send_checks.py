"""Last-moment checks before a message goes out: "is its occasion still true?"

A message may wait hours between being queued and being sent (quiet hours, a "not before"
time, retries). A higher app that knows when an occasion lapses (crm: the forgotten cart was
ordered meanwhile) registers a check for its kind in its `AppConfig.ready()`; the outbox asks
it right after claiming the message and, on a refusal, ends the row `suppressed` with that
reason instead of sending it. The outbox imports nothing of the app that registers.
"""

from collections.abc import Callable

from .models import Message

# A check answers why the message must not go out ("cart ordered"), or "" when it may.
SendCheck = Callable[[Message], str]

_checks: dict[str, list[SendCheck]] = {}


def register_send_check(kind: str, check: SendCheck) -> SendCheck:
    """Ask `check(message)` before each message of `kind` is sent (once per check function)."""
    checks = _checks.setdefault(kind, [])
    if check not in checks:
        checks.append(check)
    return check


def unregister_send_check(kind: str, check: SendCheck) -> None:
    if check in _checks.get(kind, []):
        _checks[kind].remove(check)


def send_refusal(message: Message) -> str:
    """The first reason a registered check gives for not sending `message`, or ""."""
    for check in _checks.get(message.kind, ()):
        reason = check(message)
        if reason:
            return reason
    return ""
