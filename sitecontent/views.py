from django.contrib.admin.utils import unquote
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from wagtail.snippets.views.snippets import IndexView, ReorderView

from .ordering import move_translation_group


class SiteContentIndexView(IndexView):
    def get_reorder_url(self):
        # Drag handles only for those who may reorder (Wagtail shows them to anyone who can
        # edit).
        if self.user_has_permission("reorder"):
            return super().get_reorder_url()
        return None


class TranslationGroupReorderView(ReorderView):
    """Drag-and-drop reordering that moves an item together with its translations."""

    permission_required = "reorder"

    def post(self, request, *args, **kwargs):
        item = get_object_or_404(self.model, pk=unquote(str(kwargs.get("pk"))))
        try:
            position = int(request.GET.get("position", ""))
        except ValueError:
            position = -1
        move_translation_group(self.model, item, position)
        return JsonResponse({"success": True})
