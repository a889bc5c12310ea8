"""Translations reviewed per locale before they go live (CMS_TRANSLATIONS_NEED_REVIEW).

wagtail-localize's translation editor can only publish. With review on, translators hold no
publish permission (cms.editorial.roles), so its Publish button is gone; instead the editor
shows *Submit for review in <locale>*, which saves the translation as a revision of the
target (the live row is left as it is, so a live Arabic hero stays on the site) and starts
the target's approval workflow, or resumes it after changes were requested. The locale's
approvers open the same editor, the source beside the translation, and approve (which
publishes the submitted revision) or request changes with a comment, from a bar above it.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import Library
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.side_panels import StatusSidePanel
from wagtail.coreutils import find_available_slug
from wagtail.models import Page, WorkflowState
from wagtail.snippets.side_panels import SnippetStatusSidePanel
from wagtail_localize.fields import copy_synchronised_fields
from wagtail_localize.models import Translation
from wagtail_localize.segments.ingest import ingest_segments

from .models import may_approve

SUBMIT = "cms-submit-for-review"

register = Library()


def translation_of(instance: Any) -> Translation | None:
    """The synced translation whose target `instance` is, if any."""
    return (
        Translation.objects.filter(
            source__object_id=instance.translation_key,
            target_locale_id=instance.locale_id,
            enabled=True,
        )
        .select_related("source", "target_locale")
        .first()
    )


def submit_for_review(translation: Translation, target: Any, user: Any) -> WorkflowState:
    """Save the translation as it stands as a new revision of `target`, and hand it to the
    target locale's approvers.

    Not `translation.save_target(publish=False)`: that writes the live row (a snippet is
    saved with live=False, taking a live translation off the site). Here the translated
    fields are applied to the object in memory, and only a revision is saved; the live row
    changes when the approvers approve. The segments come from wagtail-localize's
    `_get_segments_for_translation` (what save_target uses; its version is pinned)."""
    source = translation.source
    original = source.as_instance()
    copy_synchronised_fields(original, target)
    segments = source._get_segments_for_translation(translation.target_locale, fallback=True)
    with transaction.atomic():
        ingest_segments(original, target, source.locale, translation.target_locale, segments)
        if isinstance(target, Page):
            # As wagtail-localize does: the source's slug may be taken beside the translation.
            target.slug = find_available_slug(
                target.get_parent(), slugify(target.slug), ignore_page_id=target.pk
            )
        target.save_revision(user=user)
        state = target.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user)
            return state
        workflow = target.get_workflow()
        if workflow is None:
            raise LookupError(f"No approval workflow for {target._meta.verbose_name}")
        return workflow.start(target, user)


def _submit_from_editor(request: HttpRequest, instance: Any) -> HttpResponse | None:
    if request.method != "POST" or SUBMIT not in request.POST:
        return None
    if not settings.CMS_TRANSLATIONS_NEED_REVIEW:
        return None
    translation = translation_of(instance)
    if translation is None:
        return None
    edit_url = request.path
    if instance.workflow_in_progress and instance.current_workflow_state.status != (
        WorkflowState.STATUS_NEEDS_CHANGES
    ):
        messages.error(request, _("This translation is already waiting for review."))
        return redirect(edit_url)
    submit_for_review(translation, instance, request.user)
    messages.success(
        request,
        _("Submitted for review in %(locale)s.")
        % {"locale": translation.target_locale.get_display_name()},
    )
    return redirect(edit_url)


# Before wagtail-localize's own hooks (order 0), which would show the editor again.
hooks.register("before_edit_snippet", _submit_from_editor, order=-1)
hooks.register("before_edit_page", _submit_from_editor, order=-1)


def _workflow_url(instance: Any, view: str, *args: Any) -> str:
    if isinstance(instance, Page):
        return reverse(f"wagtailadmin_pages:{view}", args=[instance.pk, *args])
    return reverse(instance.snippet_viewset.get_url_name(view), args=[instance.pk, *args])


@register.simple_tag(takes_context=True)
def workflow_status_urls(context: Any) -> dict[str, str]:
    """What Wagtail's workflow status dialog needs, which wagtail-localize's editor (1.14.5)
    does not give a snippet: it builds the plain StatusSidePanel, which passes none of the
    editor's URLs on, where Wagtail's own snippet editor uses SnippetStatusSidePanel. Without
    this, a snippet translation under review could not be opened at all (NoReverseMatch in
    the status panel). The panel becomes Wagtail's snippet panel (same state, one method
    more), and these URLs are put in the context it inherits from."""
    instance = context.get("instance")
    if instance is None or isinstance(instance, Page):
        return {}  # pages: Wagtail's page status panel has its own
    for panel in context.get("side_panels", ()):
        if type(panel) is StatusSidePanel:
            panel.__class__ = SnippetStatusSidePanel
    viewset = instance.snippet_viewset
    return {
        "revisions_compare_url_name": viewset.get_url_name("revisions_compare"),
        "workflow_history_url": reverse(
            viewset.get_url_name("workflow_history"), args=[instance.pk]
        ),
    }


@register.simple_tag(takes_context=True)
def translation_review(context: dict[str, Any]) -> dict[str, Any]:
    """What the translation editor's review bar shows for this user and target."""
    instance, user = context.get("instance"), context["request"].user
    if instance is None or not settings.CMS_TRANSLATIONS_NEED_REVIEW:
        return {}
    state = instance.current_workflow_state
    if state is None or state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        comment = state.current_task_state.specific.get_comment() if state else ""
        return {"can_submit": True, "comment": comment, "submit": SUBMIT}
    task_state = state.current_task_state
    review: dict[str, Any] = {"waiting": True, "requested_by": state.requested_by}
    if task_state is not None and may_approve(user, instance):
        review["approve_url"] = _workflow_url(
            instance, "workflow_action", "approve", task_state.pk
        )
        review["reject_url"] = _workflow_url(instance, "workflow_action", "reject", task_state.pk)
        # The whole site with the submitted translation in it.
        review["preview_url"] = _workflow_url(instance, "workflow_preview", task_state.task_id)
    return review
