from django.apps import AppConfig
from django.core import checks


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Headless CMS"

    def ready(self) -> None:
        """Each room connects its own signals (each connection once: a dispatch_uid)."""
        from .delivery import signal_handlers as delivery
        from .delivery.shared_caches import check_frontend_cache_backends
        from .editorial import approval_mail
        from .editorial import roles as editorial
        from .images import preparing as images
        from .webhooks import tasks as webhooks

        delivery.register_signal_handlers()  # every change purges what shows it
        images.register_signal_handlers()  # renditions, made ahead
        editorial.register_signal_handlers()  # locale teams, and the roles after migrate
        approval_mail.register_signal_handlers()  # approvers told of what waits for them
        webhooks.register_signal_handlers()  # receipts, and the frontends told by the worker
        checks.register(check_frontend_cache_backends, checks.Tags.caches)
