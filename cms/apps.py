from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Headless CMS"

    def ready(self) -> None:
        from .delivery.signal_handlers import register_signal_handlers
        from .editorial.roles import connect_locale_teams, ensure_roles_after_migrate

        register_signal_handlers()
        connect_locale_teams()

        # cms comes last in INSTALLED_APPS, so every permission (Wagtail's extra snippet
        # permissions included) exists by the time this runs.
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
