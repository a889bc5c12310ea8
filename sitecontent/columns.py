"""The image of an item, as a thumbnail in the admin's tables: its listing and its chooser.

Wagtail's own image columns draw the row's *own* image (the image listing, the image chooser),
so they cannot show a hero's background or a partner's logo; this one draws the image a
foreign key points at. A viewset names that field once (`SiteContentViewSet.thumbnail`), and
the listing, the chooser's results and the queryset behind both follow from it.

The thumbnail is Wagtail's admin preview size, the one its image chooser and image field draw,
so the rendition an editor's form made is the one the listing shows. The queryset prefetches
the images and their thumbnails: a listing of fifty heroes costs the same two queries as a
listing of one.
"""

from django.db.models import Prefetch, QuerySet
from wagtail.admin.ui.tables import Column
from wagtail.images import get_image_model
from wagtail.images.shortcuts import get_rendition_or_not_found

THUMBNAIL = "max-165x165"  # Wagtail's admin preview (its image chooser and image field)


class ThumbnailColumn(Column):
    """The image a row's `field` points at, small; nothing when there is none."""

    cell_template_name = "sitecontent/tables/thumbnail_cell.html"

    def __init__(self, field: str, **kwargs):
        kwargs.setdefault("label", "")
        kwargs.setdefault("width", "96px")
        super().__init__(field, **kwargs)

    def get_value(self, instance):
        image = getattr(instance, self.accessor, None)
        return None if image is None else get_rendition_or_not_found(image, THUMBNAIL)


def with_thumbnails(queryset: QuerySet, field: str) -> QuerySet:
    """`queryset` with each row's image and its thumbnail fetched with it."""
    images = get_image_model().objects.prefetch_renditions(THUMBNAIL)
    return queryset.prefetch_related(Prefetch(field, queryset=images))
