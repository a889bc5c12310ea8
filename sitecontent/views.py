from urllib.parse import urlencode

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from wagtail.models import Locale
from wagtail.snippets.views import chooser, snippets

from .columns import ThumbnailColumn, with_thumbnails
from .ordering import move_translation_group


class SiteContentIndexView(snippets.IndexView):
    def get_reorder_url(self):
        # Drag handles only for those who may reorder (Wagtail shows them to anyone who can
        # edit).
        if self.user_has_permission("reorder"):
            return super().get_reorder_url()
        return None


class TranslationGroupReorderView(snippets.ReorderView):
    """Drag-and-drop reordering that moves an item together with its translations. It changes
    every locale, so the permission policy decides who may (cms.editorial.locale_access
    refuses it to those who work in some locales only)."""

    permission_required = "reorder"

    def post(self, request, *args, **kwargs):
        item = get_object_or_404(self.model, pk=unquote(str(kwargs.get("pk"))))
        try:
            position = int(request.GET.get("position", ""))
        except ValueError:
            position = -1
        move_translation_group(self.model, item, position)
        return JsonResponse({"success": True})


# Per-object checks: Wagtail checks the kind of content when a view is dispatched; these views
# also ask the model's permission policy about the object they load or create. The headless
# layer registers a policy that scopes site content to the locales a user works in, so opening
# a form in another locale gets Wagtail's usual refusal instead of a form whose every button
# would be refused.


class LocaleScopedObjectMixin:
    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.permission_required, instance
        ):
            raise PermissionDenied
        return instance


class CreateView(snippets.CreateView):
    def dispatch(self, request, *args, **kwargs):
        new_item = self.model(locale=self.locale)
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, "add", new_item
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_preview_url(self):
        # The new item has no locale until saved: the preview is told which one it is for.
        url = super().get_preview_url()
        return url and f"{url}?{urlencode({'locale': self.locale.language_code})}"


class PreviewOnCreateView(snippets.PreviewOnCreateView):
    def get_object(self):
        # A new item has no locale until saved; CreateView.get_preview_url passes it along.
        instance = super().get_object()
        code = self.request.GET.get("locale", "")
        instance.locale = Locale.objects.filter(language_code=code).first() or Locale.get_default()
        return instance


class EditView(LocaleScopedObjectMixin, snippets.EditView):
    pass


class DeleteView(LocaleScopedObjectMixin, snippets.DeleteView):
    pass


class UnpublishView(LocaleScopedObjectMixin, snippets.UnpublishView):
    pass


class RevisionsUnscheduleView(LocaleScopedObjectMixin, snippets.RevisionsUnscheduleView):
    pass


class LockView(LocaleScopedObjectMixin, snippets.LockView):
    pass


class UnlockView(LocaleScopedObjectMixin, snippets.UnlockView):
    pass


# The chooser: its results show the item's image like the listing does.


class ThumbnailChooserMixin:
    @property
    def thumbnail(self) -> str | None:
        return self.model.snippet_viewset.thumbnail  # SiteContentViewSet's

    def get_object_list(self):
        objects = super().get_object_list()
        return objects if self.thumbnail is None else with_thumbnails(objects, self.thumbnail)

    @property
    def columns(self):
        title, *others = super().columns
        if self.thumbnail is None:
            return [title, *others]
        return [title, ThumbnailColumn(self.thumbnail), *others]


class ChooseView(ThumbnailChooserMixin, chooser.ChooseView):
    pass


class ChooseResultsView(ThumbnailChooserMixin, chooser.ChooseResultsView):
    pass


class SiteContentChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
