"""Frontends that hear of every publish (webhook endpoints), what they were sent (events), how
each sending went (attempts), and the publish receipts that gather it all for the editor."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.delivery.models import EventKind


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    """A frontend (or a CDN, a build hook) told of every publish of what it wants."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("How editors know it, e.g. www.")
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    locales = models.JSONField(
        _("locales"), default=list, blank=True, help_text=_("None chosen: every locale.")
    )
    sections = models.JSONField(
        _("sections"), default=list, blank=True, help_text=_("None chosen: every section.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    # After a rotation the previous secret signs too, until it expires: receivers can change
    # their secret at their own pace.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "cms"
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name

    def signing_secrets(self) -> list[str]:
        """The secrets each delivery is signed with: the current one, and the previous one
        while its grace period lasts."""
        valid = [self.secret]
        expires = self.previous_secret_expires_at
        if self.previous_secret and expires is not None and expires > timezone.now():
            valid.append(self.previous_secret)
        return valid

    def rotate_secret(self) -> str:
        """A new secret; the current one stays valid for CMS_WEBHOOK_SECRET_GRACE_HOURS."""
        grace = timedelta(hours=settings.CMS_WEBHOOK_SECRET_GRACE_HOURS)
        self.previous_secret, self.secret = self.secret, new_secret()
        self.previous_secret_expires_at = timezone.now() + grace
        self.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
        return self.secret

    def wants(self, locale_code: str, section_fields: set[str]) -> set[str]:
        """Of the sections changed in this locale, those this endpoint wants to hear about."""
        if not self.is_active or (self.locales and locale_code not in self.locales):
            return set()
        return section_fields & set(self.sections) if self.sections else section_fields


class PublishReceipt(models.Model):
    """Where one publish (or one request's publishes, or a cache refresh) stands: when Redis
    and each shared cache were purged, and each frontend told (its events)."""

    kind = models.CharField(max_length=40, choices=EventKind.choices, default=EventKind.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # What changed: [[locale code, section field], …] (a change to the English home page and
    # the Arabic menu is not one to the English menu).
    pairs = models.JSONField(default=list)
    redis_purged_at = models.DateTimeField(null=True)
    edges_purged_at = models.DateTimeField(null=True)
    # [{"cache": name, "ok": bool, "error": str | None}] as each shared cache answered.
    edges = models.JSONField(default=list)
    fanned_out = models.BooleanField(default=False, db_index=True)  # its events exist
    # The releases it launched or rolled back: [{"id", "name", "rolls_back"}] (a release's
    # publish is one change, and one receipt).
    releases = models.JSONField(default=list, blank=True)

    class Meta:
        app_label = "cms"
        ordering = ["-created_at"]
        verbose_name = _("publish receipt")

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M:%S}"

    @property
    def locales(self) -> list[str]:
        return sorted({code for code, _ in self.pairs})

    @property
    def sections(self) -> list[str]:
        return sorted({field for _, field in self.pairs})

    def sections_by_locale(self) -> dict[str, set[str]]:
        changed: dict[str, set[str]] = {}
        for code, field in self.pairs:
            changed.setdefault(code, set()).add(field)
        return changed

    @property
    def published_by(self) -> str | None:
        """Who published, as people know them (None: a scheduled or automatic change)."""
        user = self.user
        return None if user is None else str(user.get_full_name() or user.get_username())


class ReceiptItem(models.Model):
    """An item a receipt covers: the item's status panel shows its latest receipt."""

    receipt = models.ForeignKey(PublishReceipt, related_name="items", on_delete=models.CASCADE)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    locale = models.CharField(max_length=10, blank=True)

    class Meta:
        app_label = "cms"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.label

    def as_json(self) -> dict[str, str]:
        """As the API and the webhooks name it."""
        content_type = self.content_type
        return {
            "type": f"{content_type.app_label}.{content_type.model}",
            "id": self.object_id,
            "title": self.label,
            "locale": self.locale,
        }


class WebhookEvent(models.Model):
    """One message to one endpoint, delivered at least once: every attempt sends the same
    `webhook-id` (its id) and the same body, so receivers can drop duplicates."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        RETRYING = "retrying", _("Retrying")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, related_name="events", on_delete=models.CASCADE)
    type = models.CharField(max_length=40, choices=EventKind.choices)
    locale = models.CharField(max_length=10, blank=True)
    sections = models.JSONField(default=list)
    # Frozen at the first attempt ({"type", "timestamp", "data"}): the same on every retry.
    body = models.TextField(blank=True)
    receipts = models.ManyToManyField(PublishReceipt, related_name="events", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)  # a worker is sending it
    attempts = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        app_label = "cms"
        ordering = ["-created_at"]
        verbose_name = _("webhook event")

    def __str__(self) -> str:
        return f"{self.type} {self.locale} → {self.endpoint}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.id.hex}"

    @property
    def open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RETRYING)


class WebhookAttempt(models.Model):
    """One try at delivering an event: the delivery log."""

    event = models.ForeignKey(WebhookEvent, related_name="attempt_log", on_delete=models.CASCADE)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True)  # None: no answer
    latency_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        app_label = "cms"
        ordering = ["-at"]
        verbose_name = _("webhook delivery attempt")

    def __str__(self) -> str:
        return f"{self.event_id} {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
