"""The images' background work (django-tasks, the `worker` backend's `images` queue, run by
manage.py cms_worker): make an image's renditions when it is uploaded or its focal point
changes, then tell every cache that shows it (the payload names the new files)."""

import logging
from typing import Any

from django.db import transaction
from django_tasks import task
from wagtail.images import get_image_model

from . import renditions, signal_handlers

logger = logging.getLogger(__name__)


@task(backend="worker", queue_name="images")
def prepare_image(image_id: int) -> bool:
    """Returns whether anything was made."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:  # deleted since
        return False
    _, made = renditions.prepare(image)
    renditions.prepare_for_admin(image, [renditions.ADMIN_ORIGINAL])
    if made:
        with transaction.atomic():  # shown with its previous renditions until now
            signal_handlers.image_changed(type(image), image)
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
