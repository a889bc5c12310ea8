"""The home page's image in the Wagtail API v2, drawn as the website-data payload draws it."""

from rest_framework.fields import Field
from wagtail import hooks

# The hook that draws an image in a slot: fn(image, slot) -> the payload's image fields, from
# renditions made ahead of time (registered by the headless layer, cms.delivery.images).
DRAW_IMAGE_HOOK = "cms_draw_image"


class SlotImageField(Field):
    """An image as the payload shows it in `slot`: srcsets in modern formats, width, height,
    placeholder. Unlike Wagtail's ImageRenditionField it never makes a rendition during the
    request; an image whose renditions are not made yet shows as null."""

    def __init__(self, slot, **kwargs):
        self.slot = slot
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, image):
        [draw] = hooks.get_hooks(DRAW_IMAGE_HOOK)
        return draw(image, self.slot)
