"""The customer's data export, built from the registered sections and streamed as JSON."""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from shop.models import User

from .registry import ERASURE_REFUSALS, EXPORT_SECTIONS

ENCODER = DjangoJSONEncoder(ensure_ascii=False, indent=None)


def privacy_export_chunks(*, user: User) -> Iterator[str]:
    """The export as JSON text in chunks: one key per section; iterators stream item by item."""
    yield "{" + _key("exported_at") + ENCODER.encode(timezone.now())
    for name, section in EXPORT_SECTIONS.items():
        yield "," + _key(name)
        value = section.build(user)
        if isinstance(value, dict | list | str | int | float | bool) or value is None:
            yield ENCODER.encode(value)
        elif isinstance(value, Iterable):
            yield from _array(value)
        else:
            yield ENCODER.encode(value)
    yield "}\n"


def privacy_export(*, user: User) -> dict[str, Any]:
    """The whole export as a dict (for tests and staff tools)."""
    return json.loads("".join(privacy_export_chunks(user=user)))


def erasure_refusal(*, user: User, erasing: bool = False) -> str:
    """Why the account cannot be erased now (for the customer), or '' when it can."""
    for check in ERASURE_REFUSALS.values():
        reason = check(user, erasing)
        if reason:
            return reason
    return ""


def _array(items: Iterable[Any]) -> Iterator[str]:
    yield "["
    first = True
    for item in items:
        yield ("" if first else ",") + ENCODER.encode(item)
        first = False
    yield "]"


def _key(name: str) -> str:
    return json.dumps(name) + ":"
