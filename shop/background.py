"""Side effects leave a transaction only on commit.

`enqueue_on_commit` is the one way our services schedule a Celery task: a rolled-back
transaction enqueues nothing, and a broker outage at commit is logged, never raised into the
request that already committed (`robust=True`).

Services name the task they queue (`"orders.apply_carrier_update"`) instead of importing it: an
app's tasks module imports its services, so a service importing the tasks would close a circle
(DESIGN.md §2). The name is looked up when the task is scheduled, so a name no task registers
raises `NotRegistered` there, inside the service, never silently after commit.
"""

from datetime import datetime
from typing import Any

from celery import Task
from django.db import transaction

from .celery import app


def task_named(name: str) -> Task:
    """The task registered under `name`; raises celery's NotRegistered for an unknown name.

    The web process imports no tasks module of its own accord: the first look-up imports every
    app's tasks module (what a worker finds at start), without the worker's Django checks.
    """
    if name not in app.tasks:
        app.autodiscover_tasks(force=True)
    return app.tasks[name]


def enqueue(name: str, /, *args: Any, eta: datetime | None = None, **kwargs: Any) -> None:
    """Queue the task registered under `name` now (a sweep's work, outside any transaction)."""
    options = {"eta": eta} if eta is not None else {}
    task_named(name).apply_async(args, kwargs, **options)


def enqueue_on_commit(
    name: str,
    /,
    *args: Any,
    using: str | None = None,
    eta: datetime | None = None,
    **kwargs: Any,
) -> None:
    """Queue the task registered under `name` once the current transaction commits."""
    task = task_named(name)
    options = {"eta": eta} if eta is not None else {}
    transaction.on_commit(
        lambda: task.apply_async(args, kwargs, **options), using=using, robust=True
    )
