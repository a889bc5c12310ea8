"""Mail to the approvers of an item's locale when it is submitted to them.

Wagtail mails a submission only to the groups of its own group-approval task; our step
(LocaleApprovalTask) takes its approvers from the item's locale team, so they are told here,
with Wagtail's own templates and each person's notification preferences. Editors hear of
approvals and requested changes from Wagtail itself (mail to whoever submitted).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.admin.mail import BaseGroupApprovalTaskStateEmailNotifier

from .models import LocaleApprovalTask, LocaleTeam


class LocaleApproversNotifier(BaseGroupApprovalTaskStateEmailNotifier):
    notification = "submitted"

    def can_handle(self, instance: Any, **kwargs: Any) -> bool:
        return isinstance(instance, self.valid_classes) and isinstance(
            instance.task.specific, LocaleApprovalTask
        )

    def get_recipient_users(self, task_state: Any, **kwargs: Any) -> QuerySet[Any]:
        locale_id: int = task_state.workflow_state.content_object.locale_id
        approvers = Q(groups__approving_teams__in=LocaleTeam.objects.filter(locale_id=locale_id))
        if getattr(settings, "WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS", True):
            approvers |= Q(is_superuser=True)
        recipients = get_user_model().objects.filter(approvers, is_active=True).distinct()
        if user := kwargs.get("user"):
            recipients = recipients.exclude(pk=user.pk)
        return recipients


# Signals hold their receivers weakly: the notifier lives as long as the module.
locale_approvers_notifier = LocaleApproversNotifier()


def register_signal_handlers() -> None:
    from wagtail.models import TaskState
    from wagtail.signals import task_submitted

    task_submitted.connect(
        locale_approvers_notifier,
        sender=TaskState,
        dispatch_uid="editorial.locale_approvers_submitted",
    )
