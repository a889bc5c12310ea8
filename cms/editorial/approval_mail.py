"""Mail to the approvers of an item's locale (all of a release's) when it is submitted to them.

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

from .models import LocaleApprovalTask, LocaleTeam, approval_locales


class LocaleApproversNotifier(BaseGroupApprovalTaskStateEmailNotifier):
    notification = "submitted"

    def can_handle(self, instance: Any, **kwargs: Any) -> bool:
        return isinstance(instance, self.valid_classes) and isinstance(
            instance.task.specific, LocaleApprovalTask
        )

    def get_recipient_users(self, task_state: Any, **kwargs: Any) -> QuerySet[Any]:
        # Those who approve every locale the item is in (one, or a release's several).
        locale_ids = approval_locales(task_state.workflow_state.content_object)
        approvers = get_user_model().objects.all()
        for locale_id in locale_ids:
            approvers = approvers.filter(
                groups__approving_teams__in=LocaleTeam.objects.filter(locale_id=locale_id)
            )
        who = Q(pk__in=approvers.values("pk")) if locale_ids else Q(pk__in=[])
        if getattr(settings, "WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS", True):
            who |= Q(is_superuser=True)
        recipients = get_user_model().objects.filter(who, is_active=True).distinct()
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
