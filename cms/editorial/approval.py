"""Approval before anything goes live: who may publish without it, and what approving does.

Site content and the home pages go through the *Marketing approval* workflow (set up with the
roles, cms.editorial.roles.apply_approval_workflow): editors save drafts and submit them; the
approvers of the item's locale approve (cms.editorial.models.LocaleApprovalTask), which
publishes it, or schedules it when it has a go-live time. Only superusers and holders of
`cms.publish_without_approval` (the Publishers group) publish directly.

Approvers approve without holding any publish permission: approving publishes with
Wagtail's permission checks skipped, because the approval itself is the check. Wagtail
imports the finish action while its WorkflowState model is being defined
(WAGTAIL_FINISH_WORKFLOW_ACTION), so this module imports nothing of Wagtail at its top.
"""

from typing import Any

BYPASS_PERMISSION = "cms.publish_without_approval"


def publishes_without_approval(user: Any) -> bool:
    """Whether `user` may publish, unpublish and reorder without approval."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(BYPASS_PERMISSION)))


def publish_approved(workflow_state: Any, user: Any = None) -> None:
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publish the approved item's latest revision (a go-live
    time schedules it instead), as the approver, whether or not they may publish directly.

    The latest revision is what was approved: while the task runs, only the item's approvers
    can edit it (LocaleApprovalTask.locked_for_user)."""
    revision = workflow_state.content_object.get_latest_revision()
    revision.publish(user=user, skip_permission_checks=True)
