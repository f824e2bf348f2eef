"""Periodic jobs for the embedded default: beat without a broker.

`make run` has no broker (Celery is eager), so `manage.py run_periodic_jobs` runs each job of
`beat_schedule` (shop/celery.py) in-process when it falls due, with the same timings as beat:
a job first runs one interval after start. With a broker, run `celery beat` instead.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from celery import Celery
from celery.schedules import BaseSchedule, maybe_schedule

logger = logging.getLogger(__name__)


@dataclass
class _Job:
    task: str
    schedule: BaseSchedule
    last_run_at: datetime


class PeriodicJobs:
    """Runs the due jobs of a beat schedule eagerly; `now` comes from the caller (testable)."""

    def __init__(self, *, app: Celery, beat_schedule: dict[str, dict], now: datetime) -> None:
        self.app = app
        self.jobs = {
            name: _Job(entry["task"], maybe_schedule(entry["schedule"], app=app), now)
            for name, entry in beat_schedule.items()
        }

    def run_due(self, *, now: datetime) -> tuple[list[str], float]:
        """Run every job that is due at `now`; (names run, seconds until the next check)."""
        ran, next_check = [], 60.0
        for name, job in self.jobs.items():
            job.schedule.nowfun = lambda now=now: now
            due, wait = job.schedule.is_due(job.last_run_at)
            if due:
                job.last_run_at = now
                self._run(name, job.task)
                ran.append(name)
            next_check = min(next_check, wait)
        return ran, max(next_check, 0.5)

    def _run(self, name: str, task_name: str) -> None:
        try:
            self.app.tasks[task_name].apply(throw=True)
        except Exception:
            logger.exception("periodic job %s (%s) failed", name, task_name)
        else:
            logger.info("periodic job %s ran", name)
