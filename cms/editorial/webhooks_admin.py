"""Settings → Webhooks: the frontends told of every publish (cms.webhooks), for those with the
webhook endpoint model's permissions (superusers; no editorial role has them).

An endpoint's signing secret is shown once, right after it is made (on creation, or by
rotating it), never on its edit page: whoever needs it again rotates it. The delivery log and
its actions are in cms.editorial.webhooks_log.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language_info, gettext, gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from cms.delivery.locales import supported_locales
from cms.delivery.sections import SECTIONS
from cms.webhooks.addresses import Refused, addresses
from cms.webhooks.models import WebhookAttempt, WebhookEndpoint

from .webhooks_log import (
    URL_NAMESPACE,
    DeliveryLogView,
    EndpointViewMixin,
    PingView,
    RedeliverView,
    admin_url,
)

# The endpoint whose secret the next visit to its secret page may show (then forgotten), so
# the secret is shown once, and never travels in a URL or a message.
SECRET_TO_SHOW = "cms.webhooks.secret_to_show"  # noqa: S105 (a session key, not a secret)


def locale_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{get_language_info(code)['name_local']} ({code})") for code in supported_locales()
    ]


def section_choices() -> list[tuple[str, str]]:
    return [(section.field, section.field) for section in SECTIONS]


class WebhookEndpointForm(WagtailAdminModelForm):
    # Declared for its default scheme: an address typed without one is taken as https://.
    url = forms.URLField(label=gettext_lazy("URL"), max_length=500, assume_scheme="https")
    locales = forms.MultipleChoiceField(
        label=gettext_lazy("Locales"),
        choices=locale_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every locale."),
    )
    sections = forms.MultipleChoiceField(
        label=gettext_lazy("Sections"),
        choices=section_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every section of the website data."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "description", "locales", "sections", "is_active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if self.instance.pk is not None and "url" not in self.changed_data:
            return url  # unchanged: an endpoint whose host is gone can still be disabled
        try:
            addresses(url)  # the same check every delivery makes (no internal addresses)
        except Refused as refusal:
            raise ValidationError(str(refusal)) from refusal
        return url

    def save(self, commit: bool = True) -> WebhookEndpoint:
        # Whoever ticks Active again has dealt with why it was disabled (a 410 Gone, say).
        if self.instance.is_active:
            self.instance.disabled_reason = ""
        endpoint: WebhookEndpoint = super().save(commit)
        return endpoint


def show_secret_once(request: HttpRequest, endpoint: WebhookEndpoint, rotated: bool) -> None:
    request.session[SECRET_TO_SHOW] = {"pk": endpoint.pk, "rotated": rotated}


def endpoint_state(endpoint: WebhookEndpoint) -> str:
    if endpoint.is_active:
        return gettext("Active")
    if endpoint.disabled_reason:
        return gettext("Disabled: %(reason)s") % {"reason": endpoint.disabled_reason}
    return gettext("Disabled")


def last_delivery(endpoint: Any) -> str:
    """How an endpoint's latest attempt went, from the annotations of EndpointIndexView."""
    if endpoint.last_attempt_at is None:
        return gettext("Nothing sent yet")
    code = endpoint.last_status_code
    outcome = str(code) if code is not None else endpoint.last_attempt_error
    at = date_format(localtime(endpoint.last_attempt_at), "SHORT_DATETIME_FORMAT")
    return f"{outcome} ({at})"


class EndpointIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[WebhookEndpoint]:
        latest = WebhookAttempt.objects.filter(event__endpoint=OuterRef("pk")).order_by("-at")
        endpoints: QuerySet[WebhookEndpoint] = super().get_base_queryset()
        return endpoints.annotate(
            last_attempt_at=Subquery(latest.values("at")[:1]),
            last_status_code=Subquery(latest.values("status_code")[:1]),
            last_attempt_error=Subquery(latest.values("error")[:1]),
        )

    def get_list_more_buttons(self, instance: WebhookEndpoint) -> list[Any]:
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                gettext("Delivery log"),
                url=admin_url("log", instance.pk),
                icon_name="list-ul",
                priority=15,
            ),
        ]


class EndpointCreateView(CreateView):
    def save_instance(self) -> WebhookEndpoint:
        endpoint: WebhookEndpoint = super().save_instance()
        show_secret_once(self.request, endpoint, rotated=False)
        return endpoint

    def get_success_url(self) -> str:
        return admin_url("secret", self.object.pk)


class EndpointEditView(EditView):
    @property
    def header_more_buttons(self) -> list[Any]:
        log = Button(
            gettext("Delivery log"),
            url=admin_url("log", self.object.pk),
            icon_name="list-ul",
            priority=5,
        )
        return [log, *super().header_more_buttons]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        return {
            **context,
            "log_url": admin_url("log", self.object.pk),
            "ping_url": admin_url("ping", self.object.pk),
            "rotate_url": admin_url("rotate_secret", self.object.pk),
        }


class SigningSecretView(EndpointViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """The endpoint's secret, once: right after it was created or rotated."""

    template_name = "cms/webhooks/secret.html"
    page_title = gettext_lazy("Signing secret")
    header_icon = "key"
    any_permission_required = ["add", "change"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        to_show = request.session.pop(SECRET_TO_SHOW, None) or {}
        if to_show.get("pk") != self.endpoint.pk:
            messages.warning(
                request,
                gettext("A signing secret is shown only once. Rotate it to get a new one."),
            )
            return redirect(admin_url("edit", self.endpoint.pk))
        return super().get(request, rotated=to_show.get("rotated", False))

    def get_page_subtitle(self) -> str:
        return str(self.endpoint)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            endpoint=self.endpoint,
            grace_hours=settings.CMS_WEBHOOK_SECRET_GRACE_HOURS,
            edit_url=admin_url("edit", self.endpoint.pk),
            **kwargs,
        )


class RotateSecretView(EndpointViewMixin, View):
    """A new secret for the endpoint; the current one signs too until its grace runs out."""

    http_method_names = ["post"]
    permission_required = "change"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.endpoint.rotate_secret()
        show_secret_once(request, self.endpoint, rotated=True)
        return redirect(admin_url("secret", self.endpoint.pk))


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    name = URL_NAMESPACE
    icon = "link-external"
    add_to_settings_menu = True
    menu_order = 910
    # A copy would share the original's name (which must be unique) and URL: add it anew.
    copy_view_enabled = False
    add_to_reference_index = False
    index_view_class = EndpointIndexView
    add_view_class = EndpointCreateView
    edit_view_class = EndpointEditView
    edit_template_name = "cms/webhooks/edit.html"
    list_display = [
        "name",
        "url",
        Column("state", label=gettext_lazy("Status"), accessor=endpoint_state),
        Column("last_delivery", label=gettext_lazy("Last delivery"), accessor=last_delivery),
    ]

    def get_form_class(self, for_update: bool = False) -> type[WebhookEndpointForm]:
        return WebhookEndpointForm

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            *super().get_urlpatterns(),
            path("log/<int:pk>/", DeliveryLogView.as_view(), name="log"),
            path("ping/<int:pk>/", PingView.as_view(), name="ping"),
            path("redeliver/<int:pk>/<uuid:event_id>/", RedeliverView.as_view(), name="redeliver"),
            path("rotate-secret/<int:pk>/", RotateSecretView.as_view(), name="rotate_secret"),
            path("secret/<int:pk>/", SigningSecretView.as_view(), name="secret"),
        ]


def register_webhooks_viewset() -> WebhookEndpointViewSet:
    return WebhookEndpointViewSet()


# Registered as a call, not a decorator: the hook needs no wrapping (and mypy sees the types).
hooks.register("register_admin_viewset", register_webhooks_viewset)
