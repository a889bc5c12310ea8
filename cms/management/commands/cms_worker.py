"""The background worker: runs the webhook and image queues (django-tasks' database worker on
the `worker` backend) and, beside it, the upkeep that recovers what a killed worker left undone
and prunes the delivery log (cms.webhooks.upkeep), and the scheduler that publishes and expires
content on time (cms.scheduling.scheduler). Run one or more: they share the work."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_tasks_db.management.commands import db_worker

from cms.scheduling import scheduler
from cms.webhooks import upkeep


class QueueWorker(db_worker.Command):
    """django-tasks' database worker, logging as settings.LOGGING says: at the default
    verbosity it would set its loggers to INFO, one line per task state (hundreds per image
    upload); -v 0 and -v 2 keep their meaning."""

    def configure_logging(self, verbosity: int) -> None:
        if verbosity != 1:
            super().configure_logging(verbosity)


class Command(BaseCommand):
    help = "Run the background worker (webhooks, image renditions, scheduled publishing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=0.2, help="Seconds between looks at the queue."
        )
        parser.add_argument(
            "--sweep",
            type=float,
            default=settings.CMS_WORKER_UPKEEP_SECONDS,
            help="Seconds between upkeeps (default: CMS_WORKER_UPKEEP_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        upkeep.start(options["sweep"])
        scheduler.start(settings.CMS_SCHEDULER_SECONDS)
        try:
            # As command-line arguments: db_worker checks --backend's default otherwise.
            call_command(
                QueueWorker(),
                "--backend=worker",
                "--queue-name=*",
                f"--interval={options['interval']}",
                "--no-reload",
                "--no-startup-delay",
                f"--verbosity={options['verbosity']}",
            )
        finally:
            scheduler.stop()
            upkeep.stop()
