"""Publish receipts in the admin: where the last publish of an item stands in its status side
panel, the recent publishes on the dashboard, and a page per receipt with every stage and its
time. What a receipt says is worked out by cms.webhooks.receipts, as the API gives it.

The status side panel: Wagtail 8 has no hook for what it shows (StatusSidePanel's status
templates are fixed, and each snippet, page and model view builds its own panel), so adding to
it in Python would mean a custom view for every snippet viewset and for pages. Its first part,
`wagtailadmin/shared/side_panels/includes/status/workflow.html` (the Live / Draft line, on every
snippet and page), ends with a `bottom` block: the project's template of that name (in
TEMPLATES DIRS, as cms comes after wagtail.admin in INSTALLED_APPS) extends Wagtail's own (Django
skips the extending template when it looks up the one extended) and adds the last publish
there, through the `last_publish` tag below. Nothing of Wagtail's template is copied, so its
upgrades carry on showing.

Hooks are registered when cms.wagtail_hooks imports this module.
"""

from collections.abc import Mapping
from typing import Any

from django import template
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.webhooks import receipts

RECENT_PUBLISHES = 10  # receipts on the dashboard

register = template.Library()  # TEMPLATES "libraries": {% load publish_receipts %}


@register.inclusion_tag("cms/receipts/last_publish.html")
def last_publish(instance: Any) -> dict[str, Any]:
    """Where the last publish of `instance` stands (the status side panel shows any object's
    panel through here: a model never published has no receipt)."""
    receipt = receipts.latest_for(instance) if isinstance(instance, Model) else None
    return {"progress": receipts.progress(receipt) if receipt is not None else None}


class RecentPublishesPanel(Component):
    """The dashboard's recent publishes: when, who, what, and where each stands."""

    name = "recent_publishes"
    template_name = "cms/receipts/dashboard_panel.html"
    order = 260  # just after Wagtail's "Your most recent edits" (250)

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"recent": receipts.recent(RECENT_PUBLISHES)}


class PublishReceiptView(WagtailAdminTemplateMixin, TemplateView):
    """One receipt: every stage with its time (any admin user: it says no more than the
    history of the items it names)."""

    template_name = "cms/receipts/detail.html"
    page_title = gettext_lazy("Publish receipt")
    header_icon = "history"

    def get(
        self, request: HttpRequest, *args: Any, receipt_id: int, **kwargs: Any
    ) -> HttpResponse:
        receipt = receipts.find(receipt_id)
        if receipt is None:
            raise Http404
        self.progress = receipts.progress(receipt)
        response: HttpResponse = super().get(request, *args, **kwargs)
        return response

    def get_page_subtitle(self) -> str:
        return date_format(localtime(self.progress.published_at), "DATETIME_FORMAT")

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        here = {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()}
        return [*self.breadcrumbs_items, here]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        return {**context, "progress": self.progress}


def receipt_admin_urls() -> list[URLPattern]:
    return [
        path(
            "publish-receipts/<int:receipt_id>/",
            PublishReceiptView.as_view(),
            name="cms_publish_receipt",
        )
    ]


def add_recent_publishes_panel(request: HttpRequest, panels: list[Any]) -> None:
    panels.append(RecentPublishesPanel())


# Registered by call, not as decorators: Wagtail's hooks are untyped.
hooks.register("register_admin_urls", receipt_admin_urls)
hooks.register("construct_homepage_panels", add_recent_publishes_panel)
