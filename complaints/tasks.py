"""Thin Celery tasks of the complaint desk (found by Celery's autodiscovery); each is safe to
run twice. Each part of the desk keeps its tasks in its own module, imported here."""

from .crisis.tasks import crisis_scan_task  # noqa: F401
