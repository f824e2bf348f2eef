"""Side effects leave a transaction only on commit.

`enqueue_on_commit` is the one way our services schedule a Celery task: a rolled-back
transaction enqueues nothing, and a broker outage at commit is logged, never raised into the
request that already committed (`robust=True`).
"""

from typing import Any

from celery import Task
from django.db import transaction


def enqueue_on_commit(task: Task, *args: Any, using: str | None = None, **kwargs: Any) -> None:
    transaction.on_commit(lambda: task.delay(*args, **kwargs), using=using, robust=True)
