"""What the editorial room keeps: the locale teams (who works, and who approves, where), the
approval task that follows an item's locale, and the permission carriers of the admin."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState


class WebsiteCache(models.Model):
    """No table: carries the permission to refresh the website cache from the admin."""

    class Meta:
        app_label = "cms"
        managed = False
        default_permissions = ()
        permissions = [("refresh_website_cache", _("Can refresh the website cache"))]

    def __str__(self) -> str:
        return "website cache"


class Approval(models.Model):
    """No table: carries the permission to publish without going through approval (the
    Publishers group holds it; cms.editorial.approval reads it)."""

    class Meta:
        app_label = "cms"
        managed = False
        default_permissions = ()
        permissions = [
            ("publish_without_approval", _("Can publish, unpublish and reorder without approval"))
        ]

    def __str__(self) -> str:
        return "approval"


class LocaleTeam(models.Model):
    """The group of people who work in one locale.

    Members of a team may create, edit and publish content in its locale only; the role groups
    (Editors, Translators) say *what* someone may do, the team *where*. Someone with
    `work_in_every_locale` (Editors, superusers) is not restricted to any team.
    """

    locale = models.OneToOneField(
        "wagtailcore.Locale", on_delete=models.CASCADE, related_name="team"
    )
    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="locale_team"
    )
    # Who approves the locale's content (LocaleApprovalTask): a group of its own per locale,
    # or one group shared by every locale. None: nobody but superusers.
    approvers = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approving_teams",
    )

    class Meta:
        app_label = "cms"
        verbose_name = _("locale team")
        default_permissions = ()
        permissions = [("work_in_every_locale", _("Can edit and publish content in every locale"))]

    def __str__(self) -> str:
        return self.group.name


User = AbstractBaseUser | AnonymousUser


def approver_locale_ids(user: User) -> frozenset[int]:
    """The locales whose content `user` approves (cached on the user for the request)."""
    cached: frozenset[int] | None = getattr(user, "_approver_locale_ids", None)
    if cached is None:
        cached = frozenset(
            LocaleTeam.objects.filter(approvers__user__pk=user.pk).values_list(
                "locale_id", flat=True
            )
            if user.is_authenticated
            else ()
        )
        setattr(user, "_approver_locale_ids", cached)  # noqa: B010 (not a declared attribute)
    return cached


def may_approve(user: User, obj: Any) -> bool:
    """Whether `user` approves `obj`: superusers everything, approvers their locales' items."""
    if not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    locales = approval_locales(obj)
    return bool(locales) and locales <= approver_locale_ids(user)


def approval_locales(obj: Any) -> set[int]:
    """The locales an item is in: its own, or, for a release, those of everything in it (its
    approvers approve all of them)."""
    if hasattr(obj, "locale_ids"):
        return set(obj.locale_ids())
    locale_id = getattr(obj, "locale_id", None)
    return set() if locale_id is None else {locale_id}


class LocaleApprovalTask(Task):
    """A workflow step approved by the approvers of the item's own locale: an Arabic hero by
    *Approvers: Arabic*, never by an English approver. Wagtail's group approval task names its
    groups once for every item; this one reads them from the item's locale team, so one
    workflow serves every locale (a model has one workflow in Wagtail)."""

    class Meta:
        app_label = "cms"
        verbose_name = _("locale approval task")
        verbose_name_plural = _("locale approval tasks")

    def start(self, workflow_state: Any, user: Any = None) -> TaskState:
        # As Wagtail's group approval: an item locked by someone who cannot approve it is
        # unlocked, or its approvers could not act on it.
        item = workflow_state.content_object
        locked_by = getattr(item, "locked_by", None)
        if locked_by is not None and not may_approve(locked_by, item):
            item.locked, item.locked_by, item.locked_at = False, None, None
            item.save(update_fields=["locked", "locked_by", "locked_at"])
        return super().start(workflow_state, user=user)

    def user_can_access_editor(self, obj: Any, user: Any) -> bool:
        return may_approve(user, obj)

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        return not may_approve(user, obj)

    def user_can_lock(self, obj: Any, user: Any) -> bool:
        return may_approve(user, obj)

    def user_can_unlock(self, obj: Any, user: Any) -> bool:
        return False

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, Any, bool]]:
        if not may_approve(user, obj):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def on_action(self, task_state: Any, user: Any, action_name: str, **kwargs: Any) -> None:
        # Wagtail's workflow action view finds the task state by its id alone: the approver
        # is checked against the item the state belongs to, not the one in the URL.
        if not may_approve(user, task_state.workflow_state.content_object):
            raise PermissionDenied("Only the approvers of this item's locale may approve it.")
        super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any) -> Any:
        in_progress = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if getattr(user, "is_superuser", False):
            return in_progress
        locales = approver_locale_ids(user)
        if not locales:
            return TaskState.objects.none()
        # In the database: per kind of content waiting, the states whose item is in one of
        # the user's locales (a workflow state names its item by content type and text id).
        mine = Q(pk__in=[])
        kinds = in_progress.values_list("workflow_state__base_content_type", flat=True)
        for content_type_id in set(kinds):
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None and hasattr(model, "locale_ids"):  # releases: few, in Python
                waiting = in_progress.filter(workflow_state__base_content_type=content_type_id)
                mine |= Q(
                    pk__in=[
                        state.pk
                        for state in waiting.select_related("workflow_state")
                        if may_approve(user, state.workflow_state.content_object)
                    ]
                )
                continue
            if model is None or not hasattr(model, "locale_id"):
                continue
            items = (
                model._default_manager.filter(locale_id__in=locales)
                .annotate(text_pk=Cast("pk", models.CharField()))
                .values("text_pk")
            )
            mine |= Q(
                workflow_state__base_content_type_id=content_type_id,
                workflow_state__object_id__in=items,
            )
        return in_progress.filter(mine)

    @classmethod
    def get_description(cls) -> Any:
        return _("The approvers of the item's locale approve it (its locale team's approvers)")
