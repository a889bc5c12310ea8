from collections.abc import Iterator
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.action_menu import ActionMenuItem
from wagtail.snippets.models import register_snippet

from home.fields import DRAW_IMAGE
from home.models import RENDER_PAGE
from sitecontent.models import SITE_PREVIEW
from sitecontent.permissions import LOCALES_OF_USER, PUBLISHES_WITHOUT_APPROVAL

from .delivery.build import draw_image
from .editorial import (
    desk,  # noqa: F401 (registers the editor's desk on the dashboard)
    receipts_admin,  # noqa: F401 (registers its hooks: publish receipts)
    scheduling_admin,  # noqa: F401 (registers the dashboard's scheduler warning)
    translation_review,  # noqa: F401 (registers Submit for review in the translation editor)
    webhooks_admin,  # noqa: F401 (registers Settings → Webhooks)
)
from .editorial.approval import publishes_without_approval
from .editorial.locale_access import locales_of_user
from .editorial.preview import PREVIEWABLE, may_preview
from .editorial.releases_admin import (
    ReleaseItemsView,
    ReleasePermissionPolicy,
    ReleaseViewSet,
    RollBackView,
)
from .editorial.views import (
    HeadlessPreviewView,
    RefreshWebsiteCacheView,
    ScheduledReportView,
    TranslationStatusReportView,
)
from .reference_site import render_home_page, render_release_preview, render_site_preview
from .releases.launch import launch
from .releases.models import RELEASE_LAUNCH, RELEASE_PREVIEW, Release

# The reference site (/en/, /ar/) and the whole-site previews of drafts: the website rendered
# from the payload the API serves.
# (What the content apps need from cms, each provided exactly once: see providers.)
RENDER_PAGE.provide(render_home_page)
SITE_PREVIEW.provide(render_site_preview)
RELEASE_PREVIEW.provide(render_release_preview)
# What publishing a release does: all of it goes live, or none (cms/releases/launch.py).
RELEASE_LAUNCH.provide(launch)
# The API v2 draws images from the renditions the payload uses, never making one.
DRAW_IMAGE.provide(draw_image)
# Where each person may work with site content: the locales of their teams.
LOCALES_OF_USER.provide(locales_of_user)
# Who publishes without approval: the rest submit for it (cms/editorial/approval.py).
PUBLISHES_WITHOUT_APPROVAL.provide(publishes_without_approval)

# Releases: before registering the viewset, which would otherwise set Wagtail's policy.
register_permission_policy(Release, ReleasePermissionPolicy(Release))
register_snippet(ReleaseViewSet)


PAGE_LIVE_ACTIONS = frozenset({"action-publish", "action-unpublish"})


@hooks.register("construct_page_action_menu")
def hide_page_publishing_from_those_who_need_approval(
    menu_items: list[Any], request: HttpRequest, context: dict[str, Any]
) -> None:
    # Snippets are hidden by their permission policy; a page's buttons follow Wagtail's page
    # permissions, which translators keep for wagtail-localize's editor.
    if not publishes_without_approval(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in PAGE_LIVE_ACTIONS]


@hooks.register("register_admin_urls")
def register_cache_admin_urls() -> list[URLPattern]:
    return [
        path("website-cache/", RefreshWebsiteCacheView.as_view(), name="cms_refresh_cache"),
        path(
            "reports/translation-status/",
            TranslationStatusReportView.as_view(),
            name="cms_translation_status_report",
        ),
        path(
            "reports/translation-status/results/",
            TranslationStatusReportView.as_view(results_only=True),
            name="cms_translation_status_report_results",
        ),
        path("reports/scheduled/", ScheduledReportView.as_view(), name="cms_scheduled_report"),
        path(
            "reports/scheduled/results/",
            ScheduledReportView.as_view(results_only=True),
            name="cms_scheduled_report_results",
        ),
        path("releases/<int:pk>/items/", ReleaseItemsView.as_view(), name="cms_release_items"),
        path("releases/<int:pk>/roll-back/", RollBackView.as_view(), name="cms_release_roll_back"),
        path(
            "headless-preview/<slug:app_label>/<slug:model_name>/<str:pk>/",
            HeadlessPreviewView.as_view(),
            name="cms_headless_preview",
        ),
    ]


def headless_preview_url(instance: Any, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The link to an item's headless preview, for those who may edit it; else None."""
    if not may_preview(user, instance):
        return None
    meta = instance._meta
    return reverse("cms_headless_preview", args=[meta.app_label, meta.model_name, instance.pk])


@hooks.register("register_snippet_listing_buttons")
def headless_preview_listing_button(
    snippet: Model, user: AbstractBaseUser | AnonymousUser, next_url: str | None = None
) -> Iterator[Button]:
    if url := headless_preview_url(snippet, user):
        yield Button(
            _("Headless preview"),
            url,
            icon_name="view",
            priority=70,
            attrs={"aria-label": _("Headless preview of '%(title)s'") % {"title": str(snippet)}},
        )


class HeadlessPreviewMenuItem(ActionMenuItem):
    label = _("Headless preview link")
    name = "headless-preview"
    icon_name = "view"

    def is_shown(self, context: dict[str, Any]) -> bool:
        return context.get("view") == "edit" and bool(self.get_url(context))

    def get_url(self, parent_context: dict[str, Any]) -> str | None:
        return headless_preview_url(parent_context.get("instance"), parent_context["request"].user)


@hooks.register("register_snippet_action_menu_item")
def register_headless_preview_menu_item(model: type[Model]) -> HeadlessPreviewMenuItem | None:
    return HeadlessPreviewMenuItem(order=90) if issubclass(model, PREVIEWABLE) else None


class PermissionMenuItem(MenuItem):
    def __init__(self, *args: Any, permission: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.permission)


@hooks.register("register_settings_menu_item")
def register_cache_menu_item() -> PermissionMenuItem:
    return PermissionMenuItem(
        _("Refresh website cache"),
        reverse("cms_refresh_cache"),
        icon_name="rotate",
        order=900,
        permission=RefreshWebsiteCacheView.permission,
    )


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item() -> PermissionMenuItem:
    return PermissionMenuItem(
        _("Translation status"),
        reverse("cms_translation_status_report"),
        icon_name="doc-full",
        order=900,
        permission=TranslationStatusReportView.permission,
    )


@hooks.register("register_reports_menu_item")
def register_scheduled_menu_item() -> MenuItem:
    return MenuItem(
        _("Scheduled"), reverse("cms_scheduled_report"), icon_name="calendar-alt", order=910
    )
