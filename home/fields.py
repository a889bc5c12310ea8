"""The home page's image in the Wagtail API v2, drawn as the website-data payload draws it."""

from rest_framework.fields import Field

from providers import Provider

# Draws an image in a slot: fn(image, slot) -> the payload's image fields, from renditions made
# ahead of time (provided by the headless layer: cms.delivery.build.draw_image).
DRAW_IMAGE = Provider("home_draw_image", "the API v2 could not show the home page's images")


class SlotImageField(Field):
    """An image as the payload shows it in `slot`: srcsets in modern formats, width, height,
    placeholder. Unlike Wagtail's ImageRenditionField it never makes a rendition during the
    request; an image whose renditions are not made yet shows as null."""

    def __init__(self, slot, **kwargs):
        self.slot = slot
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, image):
        return DRAW_IMAGE(image, self.slot)
