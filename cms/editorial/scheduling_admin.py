"""The scheduler as editors see it: a warning at the top of the dashboard while no worker has
run it for five minutes (cms.scheduling), so nobody waits for a go-live that cannot come.

Hooks are registered when cms.wagtail_hooks imports this module.
"""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from wagtail import hooks
from wagtail.admin.ui.components import Component

from cms.scheduling import scheduler


class SchedulerLatePanel(Component):
    name = "scheduler_late"
    template_name = "cms/scheduling/late_panel.html"
    order = 10  # above everything else

    def __init__(self, ran_at: Any) -> None:
        self.ran_at = ran_at

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"ran_at": self.ran_at}


def warn_when_the_scheduler_is_late(request: HttpRequest, panels: list[Any]) -> None:
    ran_at = scheduler.last_run()
    if scheduler.is_late(ran_at):
        panels.append(SchedulerLatePanel(ran_at))


hooks.register("construct_homepage_panels", warn_when_the_scheduler_is_late)
