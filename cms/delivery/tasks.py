"""The images' background work (django-tasks, the `worker` backend's `images` queue, run by
manage.py cms_worker): make an image's renditions when it is uploaded or its focal point
changes, then tell every cache that shows it (the payload names the new files)."""

from typing import Any

from django.db import transaction
from django_tasks import task
from wagtail.images import get_image_model

from . import renditions, signal_handlers


@task(backend="worker", queue_name="images")
def prepare_image(image_id: int) -> bool:
    """Returns whether anything was made."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:  # deleted since
        return False
    _, made = renditions.prepare(image)
    if made:
        with transaction.atomic():  # shown with its previous renditions until now
            signal_handlers.image_changed(type(image), image)
    return made


def image_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Uploaded, replaced or refocused: prepare this version in the background."""
    renditions.forget_replaced_files(instance)
    if not renditions.is_prepared(instance):
        image_id = instance.pk
        transaction.on_commit(lambda: prepare_image.enqueue(image_id))
