"""Complaint categories the help centre may answer, filled by complaints in its ready().

crm never imports complaints: a help category stores the keys ("late_or_missing"), and the
admin and the complaint form's suggestions read their labels from here.
"""

from collections.abc import Iterable

from django.utils.functional import Promise

COMPLAINT_TOPICS: dict[str, str | Promise] = {}


def register_complaint_topics(choices: Iterable[tuple[str, str | Promise]]) -> None:
    """The complaint categories (key, label) articles may be linked to."""
    COMPLAINT_TOPICS.update(dict(choices))


def complaint_topic_choices() -> list[tuple[str, str | Promise]]:
    return list(COMPLAINT_TOPICS.items())
