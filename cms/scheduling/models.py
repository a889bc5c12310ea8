"""When the scheduler last ran: one row, written by the worker, read by /health/ and the admin."""

from django.db import models


class SchedulerRun(models.Model):
    """The last sweep of any worker (the row with pk 1; written at most every HEARTBEAT)."""

    ran_at = models.DateTimeField()
    published = models.PositiveIntegerField(default=0)  # since the worker started
    expired = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "cms"

    def __str__(self) -> str:
        return f"scheduler ran at {self.ran_at:%Y-%m-%d %H:%M:%S}"
