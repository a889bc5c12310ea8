"""The background worker: runs the webhook and image queues (django-tasks' database worker on
the `worker` backend) and, beside it, the upkeep that recovers what a killed worker left undone
and prunes the delivery log (cms.webhooks.upkeep). Run one or more: they share the work."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from cms.webhooks import upkeep


class Command(BaseCommand):
    help = "Run the background worker (webhook deliveries, image renditions)."

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
        try:
            # As command-line arguments: db_worker checks --backend's default otherwise.
            call_command(
                "db_worker",
                "--backend=worker",
                "--queue-name=*",
                f"--interval={options['interval']}",
                "--no-reload",
                "--no-startup-delay",
                f"--verbosity={options['verbosity']}",
            )
        finally:
            upkeep.stop()
