"""Run the periodic jobs in-process when there is no broker (the embedded default)."""

import time

from django.core.management.base import BaseCommand

from shop.celery import app
from shop.scheduler import PeriodicJobs


class Command(BaseCommand):
    help = "Run due periodic jobs (beat_schedule) in this process; for `make run` without Redis."

    def handle(self, *args: object, **options: object) -> None:
        if not app.conf.task_always_eager:
            self.stdout.write("A broker is configured: run `celery -A shop beat` instead.")
            return
        app.loader.import_default_modules()
        jobs = PeriodicJobs(app=app, beat_schedule=app.conf.beat_schedule, now=app.now())
        self.stdout.write(f"Running periodic jobs in-process: {', '.join(jobs.jobs)}")
        while True:
            _, wait = jobs.run_due(now=app.now())
            time.sleep(wait)
