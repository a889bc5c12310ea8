"""The delivery log of a webhook endpoint, and what an editor can do from it: send a ping,
send an event again. Guarded by the endpoint model's own permissions, like the rest of
Settings → Webhooks (cms.editorial.webhooks_admin)."""

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from django.views import View
from django.views.generic.list import BaseListView
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permissions import policy_registry

from cms.webhooks import tasks
from cms.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookEvent

# The URL namespace (and the path under /admin/) of Settings → Webhooks.
URL_NAMESPACE = "webhooks"

# A receiver acknowledges with any 2xx; everything else (no answer at all, too) is a failure.
NOT_ACKNOWLEDGED = Q(status_code=None) | Q(status_code__lt=200) | Q(status_code__gte=300)


def admin_url(view_name: str, *args: Any) -> str:
    return reverse(f"{URL_NAMESPACE}:{view_name}", args=args)


def redeliver(event: WebhookEvent) -> None:
    """Send an event again, soon, whatever its status: with its frozen body and `webhook-id`,
    so a receiver that already has it can tell. Its attempts are kept: a failure goes on with
    the retry schedule where it stood (and an event that was given up gets one more try)."""
    now = timezone.now()
    # A lease that has not run out is kept: the worker sending it now would otherwise be
    # joined by a second one.
    WebhookEvent.objects.filter(pk=event.pk).update(
        status=WebhookEvent.Status.PENDING, next_attempt_at=now
    )
    WebhookEvent.objects.filter(pk=event.pk, lease_until__lt=now).update(lease_until=None)
    tasks.schedule(now)


class EndpointViewMixin(PermissionCheckedMixin):
    """A view of one endpoint (the `pk` in the URL), allowed by the endpoint's permissions."""

    request: HttpRequest
    page_title: Any

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.endpoint = get_object_or_404(WebhookEndpoint, pk=kwargs["pk"])

    @cached_property
    def permission_policy(self) -> Any:
        return policy_registry.get_by_type(WebhookEndpoint)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": admin_url("index"),
                "label": capfirst(WebhookEndpoint._meta.verbose_name_plural),
            },
            {"url": admin_url("edit", self.endpoint.pk), "label": str(self.endpoint)},
            {"url": "", "label": self.page_title},
        ]


class DeliveryLogView(EndpointViewMixin, WagtailAdminTemplateMixin, BaseListView):  # type: ignore[type-arg]
    """Every attempt at the endpoint's events, newest first, and the events still waiting."""

    template_name = "cms/webhooks/delivery_log.html"
    page_title = gettext_lazy("Delivery log")
    header_icon = "list-ul"
    any_permission_required = ["add", "change", "delete", "view"]
    paginate_by = 50
    page_kwarg = "p"  # as Wagtail's own listings (and its pagination template) name it
    paginator_class = WagtailPaginator

    @cached_property
    def failures_only(self) -> bool:
        return self.request.GET.get("failed") == "1"

    def get_queryset(self) -> QuerySet[WebhookAttempt]:
        attempts = (
            WebhookAttempt.objects.filter(event__endpoint=self.endpoint)
            .select_related("event")
            .order_by("-at", "-pk")
        )
        return attempts.filter(NOT_ACKNOWLEDGED) if self.failures_only else attempts

    def get_page_subtitle(self) -> str:
        return str(self.endpoint)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        waiting = self.endpoint.events.filter(
            status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.RETRYING]
        ).order_by("next_attempt_at")
        return {
            **context,
            "endpoint": self.endpoint,
            "failures_only": self.failures_only,
            "waiting": waiting,
            "elided_page_range": page.paginator.get_elided_page_range(page.number),
            "can_change": self.user_has_permission("change"),
            "log_url": admin_url("log", self.endpoint.pk),
            "edit_url": admin_url("edit", self.endpoint.pk),
            "ping_url": admin_url("ping", self.endpoint.pk),
        }


class PingView(EndpointViewMixin, View):
    """Sends the endpoint a ping (even while it is inactive), to check it answers."""

    http_method_names = ["post"]
    permission_required = "change"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = tasks.ping(self.endpoint)
        messages.success(
            request,
            gettext("A ping (%(webhook_id)s) is on its way to %(name)s: its answer shows here.")
            % {"webhook_id": event.webhook_id, "name": self.endpoint},
        )
        return redirect(admin_url("log", self.endpoint.pk))


class RedeliverView(EndpointViewMixin, View):
    """Sends one of the endpoint's events again, delivered or not."""

    http_method_names = ["post"]
    permission_required = "change"

    def post(self, request: HttpRequest, pk: int, event_id: Any) -> HttpResponse:
        event = get_object_or_404(WebhookEvent, pk=event_id, endpoint=self.endpoint)
        redeliver(event)
        messages.success(
            request,
            gettext("%(webhook_id)s will be sent again within seconds, with the same webhook-id.")
            % {"webhook_id": event.webhook_id},
        )
        return redirect(admin_url("log", self.endpoint.pk))
