"""Where the admin edits an item: one answer for pages, snippets and releases."""

from typing import Any

from django.urls import NoReverseMatch, reverse
from wagtail.models import Page


def edit_url(item: Any) -> str | None:
    """The admin URL that edits `item`, or None (deleted, or not edited in the admin)."""
    if item is None or item.pk is None:
        return None
    if isinstance(item, Page):
        return reverse("wagtailadmin_pages:edit", args=[item.pk])
    viewset = getattr(item, "snippet_viewset", None)
    try:
        return reverse(viewset.get_url_name("edit"), args=[item.pk]) if viewset else None
    except NoReverseMatch:
        return None
