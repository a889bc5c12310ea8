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

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import ResolverMatch
from django.utils.translation import gettext_lazy as _

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


# What changes the live site, by admin URL: refused (403) to anyone who needs approval, before
# any view runs, so nothing is saved (cms.middleware.ApprovalMiddleware). Each entry says
# when a POST to the URL changes what is live.

LiveChange = Callable[[HttpRequest, ResolverMatch], bool]


def _publish_posted(request: HttpRequest, match: ResolverMatch) -> bool:
    # The editor's Publish button (and Set schedule + Publish) posts `action-publish`.
    return "action-publish" in request.POST


def _always(request: HttpRequest, match: ResolverMatch) -> bool:
    return True


def _copy_goes_live(request: HttpRequest, match: ResolverMatch) -> bool:
    # A page copied with "publish copies", or as an alias (it mirrors the live source).
    return bool(request.POST.get("publish_copies") or request.POST.get("alias"))


def _publishes_translations(request: HttpRequest, match: ResolverMatch) -> bool:
    # wagtail-localize's "sync translated content" with "publish immediately".
    return bool(request.POST.get("publish_translations"))


def _publishes_a_translation(request: HttpRequest, match: ResolverMatch) -> bool:
    """wagtail-localize's translation editor posts `action=publish` to the item's edit URL,
    publishing the translation as it stands (and cancelling its workflow). Translators do
    that with their own publish permission; anyone without one is refused here, with the
    same answer as every other route, rather than by wagtail-localize's redirect."""
    if request.POST.get("action") != "publish":
        return False
    return not may_publish_translation(request.user, match)


def may_publish_translation(user: Any, match: ResolverMatch) -> bool:
    from django.contrib.auth import get_permission_codename
    from wagtail.models import Page

    from .locale_access import scoped_model

    if "wagtailadmin_pages" in match.namespaces:
        page = Page.objects.filter(pk=match.kwargs.get("page_id")).first()
        return page is not None and page.permissions_for_user(user).can_publish()
    model = scoped_model(match)
    if model is None:
        return False
    codename = get_permission_codename("publish", model._meta)
    return bool(user.has_perm(f"{model._meta.app_label}.{codename}"))


def _publish_or_publish_a_translation(request: HttpRequest, match: ResolverMatch) -> bool:
    return _publish_posted(request, match) or _publishes_a_translation(request, match)


# By URL name: the views of every site-content snippet (their locale-scoped viewsets).
SNIPPET_LIVE_CHANGES: dict[str, LiveChange] = {
    "add": _publish_posted,
    "edit": _publish_or_publish_a_translation,
    "revisions_revert": _publish_posted,  # restore a revision and publish it
    "unpublish": _always,
    "revisions_unschedule": _always,  # cancelling a scheduled publish changes what goes live
    "reorder": _always,  # the order is live at once, in every locale
}
PAGE_LIVE_CHANGES: dict[str, LiveChange] = {
    "add": _publish_posted,
    "edit": _publish_or_publish_a_translation,
    "revisions_revert": _publish_posted,
    "unpublish": _always,
    "revisions_unschedule": _always,
    "copy": _copy_goes_live,
}
LOCALIZE_LIVE_CHANGES: dict[str, LiveChange] = {
    "update_translations": _publishes_translations,
    "convert_to_alias": _always,  # the translation starts mirroring the live source
}
# Page bulk actions (snippets have only bulk delete).
BULK_LIVE_CHANGES = frozenset({"publish", "unpublish"})


def _live_change(match: ResolverMatch) -> LiveChange | None:
    from .locale_access import scoped_model

    if match.url_name == "wagtail_bulk_action":
        kwargs = match.kwargs
        is_page = (kwargs.get("app_label"), kwargs.get("model_name")) == ("wagtailcore", "page")
        return _always if is_page and kwargs.get("action") in BULK_LIVE_CHANGES else None
    if "wagtail_localize" in match.namespaces:
        routes = LOCALIZE_LIVE_CHANGES
    elif "wagtailadmin_pages" in match.namespaces:
        routes = PAGE_LIVE_CHANGES
    elif scoped_model(match) is not None or _is_release_view(match):
        routes = SNIPPET_LIVE_CHANGES
    else:
        return None
    return routes.get(match.url_name or "")


def _is_release_view(match: ResolverMatch) -> bool:
    from cms.releases.models import Release

    return getattr(match.func, "view_initkwargs", {}).get("model") is Release


def needs_approval(request: HttpRequest, match: ResolverMatch) -> bool:
    """Whether this (unsafe-method) admin request changes what the website shows, and its
    user may not do that without approval."""
    change = _live_change(match)
    if change is None or not change(request, match):
        return False
    return not publishes_without_approval(request.user)


REFUSAL = _(
    "Not published: this change needs approval. Nothing was saved. Go back, save a draft and "
    "submit it for approval, or ask a publisher."
)
