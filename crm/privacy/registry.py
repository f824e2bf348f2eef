"""What a customer's data export holds and what erasing an account does, as registries.

Every app (or feature) that keeps personal data adds its part with a few lines in its
`AppConfig.ready()` or in `crm/privacy/sections.py`:

    register_export_section("profile", lambda user: {...})        # JSON-able, or an iterator
    register_erasure_step("profile", lambda user: ...)             # runs inside the erasure's
                                                                   # transaction, user row locked
    register_kept(Kept(table="orders_order", columns=("email",), reason="..."))

`KEPT_AFTER_ERASURE` is the one list of columns that still name the customer after erasure, on
purpose; docs/privacy.md shows the same list and the erasure test checks the database against it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shop.models import User

ExportFn = Callable[[User], Any]
ErasureFn = Callable[[User], Any]
RefusalFn = Callable[[User, bool], str]


@dataclass(frozen=True)
class ExportSection:
    name: str
    build: ExportFn


@dataclass(frozen=True)
class ErasureStep:
    name: str
    run: ErasureFn


@dataclass(frozen=True)
class Kept:
    """Columns of a table that keep the customer's name, email, phone or address after erasure."""

    table: str
    columns: tuple[str, ...]
    reason: str


EXPORT_SECTIONS: dict[str, ExportSection] = {}
ERASURE_STEPS: dict[str, ErasureStep] = {}
ERASURE_REFUSALS: dict[str, RefusalFn] = {}
KEPT_AFTER_ERASURE: list[Kept] = []


def register_export_section(name: str, build: ExportFn) -> None:
    """Add (or replace) a top-level key of the export; `build(user)` returns JSON-able data:
    a dict, a list, or an iterator of dicts (streamed)."""
    EXPORT_SECTIONS[name] = ExportSection(name=name, build=build)


def register_erasure_step(name: str, run: ErasureFn) -> None:
    """Add (or replace) an erasure step, run in registration order inside one transaction with
    the user row locked and before the user row itself is anonymised (so a step can still read
    the email and phone). Schedule network calls with `transaction.on_commit`; steps must be
    harmless when run twice. What `run` returns is recorded (as a count) in the audit entry."""
    ERASURE_STEPS[name] = ErasureStep(name=name, run=run)


def register_erasure_refusal(name: str, check: RefusalFn) -> None:
    """Add a reason erasure must wait: `check(user, erasing)` returns a message for the customer,
    or ''. Checked on the page (erasing=False) and again inside the erasure's transaction under
    the user row's lock (erasing=True: lock what you read, so nothing changes until commit)."""
    ERASURE_REFUSALS[name] = check


def register_kept(kept: Kept) -> None:
    """Declare columns that keep personal data after erasure, with the reason (shown in the doc)."""
    if kept not in KEPT_AFTER_ERASURE:
        KEPT_AFTER_ERASURE.append(kept)


def kept_columns() -> set[tuple[str, str]]:
    """Every (table, column) allowed to name an erased customer."""
    return {(kept.table, column) for kept in KEPT_AFTER_ERASURE for column in kept.columns}
