"""Releases in the admin: the list, the release's own page (what is in it, pinned to which
version, what changed since; adding, updating and removing items), and rolling back.

A release is a snippet (cms.releases.models): Wagtail's own edit view gives it drafts,
revisions, *Submit to Marketing approval*, the schedule and the approvers' actions. Publishing
it directly is for publishers only (its permission policy, and the approval gate on the
server: cms.editorial.approval). A release that went live is no longer edited: its page shows
what it did, and offers the rollback.
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.panels import FieldPanel, ObjectList, Panel, PublishingPanel
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import snippets

from cms.releases import launch, membership
from cms.releases.models import Release, ReleaseItem
from cms.releases.readiness import readiness

from .approval import publishes_without_approval
from .links import edit_url


class ReleasePermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions; publishing a release directly (or unpublishing,
    unscheduling it) also needs the right to publish without approval."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        allowed = bool(super().user_has_permission(user, action))
        if action == "publish":
            return allowed and publishes_without_approval(user)
        return allowed


def may_change(user: Any, release: Release) -> bool:
    policy = Release.snippet_viewset.permission_policy
    return bool(policy.user_has_permission_for_instance(user, "change", release))


# What is in a release, as its pages show it.


def rows(release: Release) -> list[dict[str, Any]]:
    """Each item of the release: what it is, in which locale, what the release does with it,
    and whether it was edited since it joined."""
    locales = {locale.pk: locale for locale in Locale.objects.all()}
    shown = []
    for row in release.items.all():
        model = row.model
        target = row.target()
        locale = locales.get(row.locale_id) if row.locale_id else None
        shown.append(
            {
                "row": row,
                "kind": model._meta.verbose_name if model is not None else "",
                "locale": locale.get_display_name() if locale is not None else "",
                "deleted": target is None,
                "changed": release.launched_at is None and membership.changed_since_added(row),
                "edit_url": edit_url(target),
            }
        )
    return shown


class ReleaseItemsPanel(Panel):
    """The items, in the release's edit form (managed on the release's own page)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "cms/releases/items_panel.html"

        def get_context_data(self, parent_context: Any = None) -> Any:
            context = super().get_context_data(parent_context)
            release = self.instance
            context["rows"] = rows(release) if release.pk else []
            context["readiness"] = readiness(release) if release.pk else []
            context["items_url"] = (
                reverse("cms_release_items", args=[release.pk]) if release.pk else None
            )
            return context


# The release's own page: its items, and changes to them.


def releasable_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Everything that can join a release, by kind: ("<content type>:<pk>", "label (locale)")."""
    locales = {locale.pk: locale.get_display_name() for locale in Locale.objects.all()}
    groups = []
    for model in membership.RELEASABLE:
        content_type = ContentType.objects.get_for_model(model)
        choices = [
            (f"{content_type.pk}:{item.pk}", f"{item} ({locales.get(_locale_id(item), '')})")
            for item in model._default_manager.order_by("locale_id", "pk")
        ]
        if choices:
            groups.append((str(model._meta.verbose_name_plural).capitalize(), choices))
    return groups


def _locale_id(item: Any) -> int | None:
    return getattr(item, "locale_id", None)


class AddItemsForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Items"),
        choices=(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=gettext_lazy("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("In the release"),
        choices=ReleaseItem.Action.choices,
        initial=ReleaseItem.Action.PUBLISH,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["items"]).choices = releasable_choices()

    def chosen(self) -> list[Any]:
        found = []
        for value in self.cleaned_data["items"]:
            content_type_id, pk = value.split(":", 1)
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
            item = model._default_manager.filter(pk=pk).first() if model else None
            if item is not None:
                found.append(item)
        return found


class ReleasePageView(WagtailAdminTemplateMixin, TemplateView):
    """A page of one release, for those who may change it, under Releases in the breadcrumbs."""

    release: Release

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.release = get_object_or_404(Release, pk=kwargs["pk"])
        if not may_change(request.user, self.release):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        releases = Release.snippet_viewset
        path = [
            *self.breadcrumbs_items,
            {"url": reverse(releases.get_url_name("list")), "label": releases.menu_label},
        ]
        if not self.page_title:  # the release's own page
            return [*path, {"url": "", "label": self.release.name}]
        url = reverse("cms_release_items", args=[self.release.pk])
        return [
            *path,
            {"url": url, "label": self.release.name},
            {"url": "", "label": self.page_title},
        ]


class ReleaseItemsView(ReleasePageView):
    """What is in the release; adding, updating (to the item's latest version) and removing
    items, for those who may change it. A live release shows what it did, and its rollback."""

    template_name = "cms/releases/items.html"
    header_icon = "calendar-check"

    def get_page_title(self) -> str:
        return self.release.name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        release = self.release
        return super().get_context_data(
            release=release,
            rows=rows(release),
            readiness=readiness(release),
            form=kwargs.get("form") or AddItemsForm(),
            live=release.launched_at is not None,
            rolled_back_by=Release.objects.filter(rollback_of=release).first(),
            edit_url=reverse(Release.snippet_viewset.get_url_name("edit"), args=[release.pk]),
            **kwargs,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        release = self.release
        try:
            if "remove" in request.POST or "update" in request.POST:
                row_pk = request.POST.get("remove") or request.POST.get("update")
                row = get_object_or_404(ReleaseItem, pk=row_pk, release=release)
                if "remove" in request.POST:
                    membership.remove(row, request.user)
                    messages.success(request, gettext("Removed from the release."))
                else:
                    membership.update(row, request.user)
                    messages.success(request, gettext("The release has the latest version now."))
            else:
                form = AddItemsForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form), status=400)
                membership.add(release, form.chosen(), request.user, form.cleaned_data["action"])
                messages.success(request, gettext("Added to the release."))
        except membership.NotAllowed as refusal:
            messages.error(request, str(refusal))
            return self.render_to_response(self.get_context_data(), status=409)
        return redirect("cms_release_items", pk=release.pk)


class RollBackView(ReleasePageView):
    """Confirm, then put every item of a live release back as it was before it."""

    template_name = "cms/releases/roll_back.html"
    header_icon = "undo"
    page_title = gettext_lazy("Roll back")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(release=self.release, rows=rows(self.release), **kwargs)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            back = launch.roll_back(self.release, request.user)
        except launch.LaunchFailed as failure:
            messages.error(request, str(failure))
            return self.render_to_response(self.get_context_data(), status=409)
        messages.success(
            request,
            gettext("Rolled back: the site is as it was before “%(name)s”.")
            % {"name": self.release.name},
        )
        return redirect("cms_release_items", pk=back.pk)


# The snippet viewset.


class ReleaseEditView(snippets.EditView):
    """A release that went live is done with: its page shows what it did."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        release = Release.objects.filter(pk=kwargs.get("pk")).first()
        if release is not None and release.launched_at is not None:
            return redirect("cms_release_items", pk=release.pk)
        return super().dispatch(request, *args, **kwargs)


class GoLivePanel(PublishingPanel):
    """Wagtail's *Set schedule* with the go-live time alone: a release does not expire (it is
    rolled back)."""

    children: list[FieldPanel]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.children = [child for child in self.children if child.field_name == "go_live_at"]


class ReleaseViewSet(snippets.SnippetViewSet):
    model = Release
    icon = "calendar-check"
    menu_label = gettext_lazy("Releases")
    add_to_admin_menu = True
    menu_order = 151  # after Site content
    copy_view_enabled = False
    edit_view_class = ReleaseEditView
    list_display = [
        "name",
        Column("items_count", label=gettext_lazy("Items"), accessor=lambda r: r.items.count()),
        LiveStatusTagColumn(),
        Column("go_live_at", label=gettext_lazy("Goes live")),
        Column("launched_at", label=gettext_lazy("Went live")),
    ]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            ReleaseItemsPanel(heading=gettext_lazy("What is in it")),
            GoLivePanel(),
        ]
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return Release.objects.prefetch_related("items")
