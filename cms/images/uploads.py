"""The image upload form: Wagtail's, with a file field that also makes sure the file decodes
to its end, so a damaged or cut-off upload is a form error instead of a server error (Wagtail
reads the size, the orientation and the renditions from the file later)."""

import struct
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# Decoding a JPEG at 1/8 of its size reads the whole file at a fraction of the memory.
DRAFT_SCALE = 8
DAMAGED = _("The image file is damaged or incomplete: upload it again.")
# What Pillow (and Willow through it) raise on a file that ends early or is corrupt.
DECODING_ERRORS = (OSError, SyntaxError, ValueError, struct.error, EOFError)


def check_decodes(file: Any) -> None:
    """Raise ValidationError unless the whole image decodes."""
    position = file.tell()
    try:
        with PILImage.open(file) as image:
            width, height = image.size
            image.draft("RGB", (max(1, width // DRAFT_SCALE), max(1, height // DRAFT_SCALE)))
            image.load()
    except DECODING_ERRORS as error:
        raise ValidationError(DAMAGED, code="damaged") from error
    finally:
        file.seek(position)


class CheckedImageField(WagtailImageField):
    def to_python(self, data: Any) -> Any:
        try:
            file = super().to_python(data)
        except DECODING_ERRORS as error:
            raise ValidationError(DAMAGED, code="damaged") from error
        if file is not None:
            check_decodes(file)
        return file


class ImageForm(BaseImageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "file" in self.fields:  # made per form, as Wagtail does: it reads the upload limits
            field = self.fields["file"]
            self.fields["file"] = CheckedImageField(label=field.label, required=field.required)
