from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate, post_save


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Headless CMS"

    def ready(self) -> None:
        from wagtail.images import get_image_model

        from .delivery.edge import check_frontend_cache_backends
        from .delivery.propagation import propagated
        from .delivery.signal_handlers import register_signal_handlers
        from .delivery.tasks import image_saved
        from .editorial.roles import connect_locale_teams, ensure_roles_after_migrate
        from .webhooks.events import record

        register_signal_handlers()
        checks.register(check_frontend_cache_backends, checks.Tags.caches)
        post_save.connect(image_saved, sender=get_image_model())  # renditions, made ahead
        connect_locale_teams()
        propagated.connect(record)  # receipts, and the frontends told by the worker

        # cms comes last in INSTALLED_APPS, so every permission (Wagtail's extra snippet
        # permissions included) exists by the time this runs.
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
