"""Wagtail's scheduled publishing, run by every worker instead of a cron job nobody installed:
the sweep that publishes what is due and unpublishes what expired (`scheduler`), and the
record of its last run that /health/ and the admin read (`models.SchedulerRun`). What a sweep
publishes is an ordinary change: the content's signals propagate it (cms.delivery), one
propagation per sweep.

May import: cms.delivery and the rooms below it.
"""
