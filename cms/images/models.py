"""What the images room keeps: each image version's renditions, made ahead of time."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model_string


class PreparedImage(models.Model):
    """An image's renditions for every slot (cms.images.slots), made ahead of time from one
    version of it (its file and focal point) by cms.images.renditions. The payload shows an
    image only through one of these: the current version's, else the newest before it, so a
    new focal point shows once all its renditions exist, never half of them."""

    image = models.ForeignKey(
        get_image_model_string(), on_delete=models.CASCADE, related_name="prepared_versions"
    )
    file_name = models.CharField(max_length=255)  # the file they were made from
    version = models.CharField(max_length=400)  # the file and its focal point
    renditions = models.JSONField(default=dict)  # {spec: rendition id}
    placeholders = models.JSONField(default=dict)  # {slot: a tiny image, as a data URI}
    color = models.CharField(max_length=7)  # the image's average colour, "#rrggbb"
    prepared_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "cms"
        verbose_name = _("prepared image")
        constraints = [
            models.UniqueConstraint(fields=["image", "version"], name="one_preparation_a_version")
        ]

    def __str__(self) -> str:
        return f"{self.image_id} @ {self.version}"
