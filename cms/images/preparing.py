"""The images' background work (django-tasks, the `worker` backend's `images` queue, run by
manage.py cms_worker): make an image's renditions when it is uploaded or its focal point
changes, then send `prepared`, so whatever shows the image is purged (the payload names the new
files). The images room knows nothing of what shows an image: cms.delivery listens."""

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal
from django_tasks import task
from wagtail.images import get_image_model

from cms.images import renditions

logger = logging.getLogger(__name__)

# Sent (sender: the image model, instance: the image) in a transaction, once an image's new
# renditions exist: until it commits, the image is shown with its previous ones.
prepared = Signal()


@task(backend="worker", queue_name="images")
def prepare_image(image_id: int) -> bool:
    """Returns whether anything was made."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:  # deleted since
        return False
    _, made = renditions.prepare(image)
    renditions.prepare_for_admin(image, [renditions.ADMIN_ORIGINAL])
    if made:
        with transaction.atomic():
            prepared.send(sender=type(image), instance=image)
    return made


def image_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Uploaded, replaced or refocused: prepare this version in the background, and the
    admin's thumbnails at once (small, so quick: the page after an upload shows them)."""
    renditions.forget_replaced_files(instance)
    transaction.on_commit(lambda: _thumbnails(instance))
    if not renditions.is_prepared(instance):
        image_id = instance.pk
        transaction.on_commit(lambda: prepare_image.enqueue(image_id))


def _thumbnails(image: Any) -> None:
    try:
        renditions.prepare_for_admin(image)
    except Exception:  # Wagtail makes them itself then: the upload must not fail for this
        logger.exception("Could not make the admin's thumbnails of image %s", image.pk)


def register_signal_handlers() -> None:
    post_save.connect(image_saved, sender=get_image_model(), dispatch_uid="images.image_saved")
