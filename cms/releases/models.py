"""A release and what is in it.

A release is a Wagtail snippet with a workflow, drafts and revisions, like the content it
carries: it is submitted to *Marketing approval*, approved, scheduled and published as any
item is. Its items are rows of its own (`ReleaseItem`), and each of its revisions holds them
as they were (modelcluster serialises them into the revision): what was approved is the
revision approval publishes, so a release goes live with the items, and the item versions,
its approvers saw.

Publishing a release is launching it (cms.releases.launch): every item's change in one
transaction, one propagation.
"""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from cms.delivery.locales import default_locale
from providers import Provider

# Renders the website as of a release: fn(request, release, locale code) -> the response.
# The reference site provides it (cms.reference_site), above this room.
RELEASE_PREVIEW = Provider("cms_release_preview", "editors could not preview a release")
# Launches a release: fn(release, revision, user=, publish=, **kwargs), `publish` being
# Wagtail's own publish of the release row. cms.releases.launch provides it (it needs this
# module's models: the model asks for it rather than importing it back).
RELEASE_LAUNCH = Provider("cms_release_launch", "releases could not go live")


class Release(
    WorkflowMixin,  # before DraftState and Revision (Wagtail's check E006)
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    ClusterableModel,
):
    """A named set of changes to site content and home pages, in any locales, that go live
    together."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the campaign is, for the approvers.")
    )
    # Set when it went live: a release goes live once (a rollback is a release of its own).
    launched_at = models.DateTimeField(_("launched at"), null=True, editable=False)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    # Why it could not go live when it last tried (empty: it never failed, or went live since).
    failure = models.TextField(_("why it did not go live"), blank=True, editable=False)
    rollback_of = models.OneToOneField(
        "self",
        null=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="rolled_back_by",
        verbose_name=_("rolls back"),
    )

    revisions_relation = GenericRelation("wagtailcore.Revision", related_query_name="cms_release")

    panels = [FieldPanel("name"), FieldPanel("description")]
    # Wagtail's usage index would record a release's revisions, content types and locales (it
    # names its items by id, not by a foreign key): nothing an editor looks up, and a task per
    # item each time the release is saved or launched.
    wagtail_reference_index_ignore = True

    class Meta:
        app_label = "cms"
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self) -> Any:
        # Wagtail reads revisions through this name; the GenericRelation above makes deleting
        # a release delete its revisions too.
        return self.revisions_relation

    @classmethod
    def from_serializable_data(
        cls, data: Any, check_fks: bool = True, strict_fks: bool = False
    ) -> Any:
        # A revision's items name what they pin by id: launching finds what was deleted
        # since (cms.releases.launch), without a query per reference here.
        return super().from_serializable_data(data, check_fks=False, strict_fks=False)

    def clean(self) -> None:
        super().clean()
        if self.expire_at is not None:
            raise ValidationError(
                {"expire_at": _("A release does not expire: roll it back to undo it.")}
            )

    def publish(self, revision: Any, user: Any = None, **kwargs: Any) -> Any:
        """Publishing a release (approving it, its schedule coming, a publisher's Publish)
        launches it: its items go live, or nothing does."""
        return RELEASE_LAUNCH(self, revision, user=user, publish=super().publish, **kwargs)

    @property
    def preview_modes(self) -> list[tuple[str, str]]:
        # The whole website as of the release, in each language.
        return [(code, str(name)) for code, name in settings.WAGTAIL_CONTENT_LANGUAGES]

    @property
    def default_preview_mode(self) -> str:
        return default_locale()

    def serve_preview(self, request: Any, mode_name: str) -> Any:
        return RELEASE_PREVIEW(request, self, mode_name)

    def locale_ids(self) -> set[int]:
        """The locales its items are in (who approves it: cms.editorial.models)."""
        return {item.locale_id for item in self.items.all() if item.locale_id is not None}


class ReleaseItem(Orderable):
    """One change in a release: publish this revision of an item (pinned: later edits to the
    item do not join the release unless an editor updates it), or unpublish the item."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("Publish this version")
        UNPUBLISH = "unpublish", _("Unpublish")

    release = ParentalKey(Release, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.PUBLISH)
    # The version that goes live (PUBLISH): the item's latest when it joined or was updated.
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Denormalised from the item for the readiness table and approval (the item's own locale).
    locale = models.ForeignKey(
        "wagtailcore.Locale", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=255)  # the item, as it was called when it joined
    # What was live before the release went live (None: the item was not live): filled in at
    # launch, and what a rollback restores.
    live_before = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    was_live = models.BooleanField(default=False)

    class Meta(Orderable.Meta):
        app_label = "cms"
        verbose_name = _("release item")

    def __str__(self) -> str:
        return self.label

    @property
    def model(self) -> type[models.Model] | None:
        return ContentType.objects.get_for_id(self.content_type_id).model_class()

    def target(self) -> Any:
        """The item itself (its specific page for a page), or None if it was deleted."""
        model = self.model
        if model is None:
            return None
        found = model._default_manager.filter(pk=self.object_id).first()
        return getattr(found, "specific", found)
