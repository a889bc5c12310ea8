"""What every site-content snippet is, and the link that several of them carry."""

from typing import Any, cast
from urllib.parse import urlsplit

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)

from providers import Provider

from ..validators import validate_link_url

# Schemes that leave the website; anything else ("/about", "#team") stays on it.
EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Renders a draft's whole-site preview: fn(request, draft) -> the response, the website as it
# would be with the draft published. Whoever serves the website (cms) provides it, so the
# preview is the website's own rendering.
SITE_PREVIEW = Provider("sitecontent_site_preview", "editors could not preview the whole site")


class SiteContentQuerySet(models.QuerySet[Any]):
    def live(self):
        return self.filter(live=True)


class SiteContent(
    TranslatableMixin,
    WorkflowMixin,  # before DraftState and Revision (Wagtail's check E006)
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    models.Model,
):
    """What every site-content snippet is: translatable, publishable, revisioned, lockable, and
    able to go through an approval workflow."""

    objects = SiteContentQuerySet.as_manager()

    revisions_relation = GenericRelation(
        "wagtailcore.Revision", related_query_name="%(app_label)s_%(class)s"
    )

    class Meta(TranslatableMixin.Meta):
        abstract = True

    # What a revision's object takes from the item's row, not from the revision (Wagtail's
    # with_content_json): loading a revision need not look each of them up in the database.
    FROM_THE_ROW = ("latest_revision", "locale")

    @property
    def revisions(self):
        # Wagtail reads revisions through this name; the GenericRelation above makes deleting
        # an item delete its revisions too.
        return self.revisions_relation

    @classmethod
    def from_serializable_data(cls, data, check_fks=True, strict_fks=False):
        # Each foreign key is fetched to check that it still exists (modelcluster); two of
        # them are replaced from the row at once (with_content_json), so they are set as
        # they are: two queries fewer for each revision loaded (a release's launch loads two
        # per item).
        from_the_row = {name: data[name] for name in cls.FROM_THE_ROW if name in data}
        rest = {name: value for name, value in data.items() if name not in from_the_row}
        obj = super().from_serializable_data(rest, check_fks=check_fks, strict_fks=strict_fks)
        if obj is not None:
            for name, value in from_the_row.items():
                setattr(obj, f"{name}_id", value)
        return obj

    @property
    def preview_modes(self):
        return [("", _("Website")), ("item", _("This item only"))]

    def serve_preview(self, request, mode_name):
        if mode_name != "item":
            return SITE_PREVIEW(request, self)
        return super().serve_preview(request, mode_name)

    def get_preview_template(self, request, mode_name):
        # This item alone (the whole website is rendered by SITE_PREVIEW).
        return f"sitecontent/previews/{self._meta.model_name}.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["locale"] = self.locale
        context["direction"] = "rtl" if self.locale.is_bidi else "ltr"
        return context


class OrderedSiteContent(SiteContent, Orderable):
    """Site content that editors order. The order is the source item's: translations share it.

    `sort_order` is synchronised to translations, and reordering in the admin moves an item
    together with its translations (see sitecontent.ordering), so every locale lists items in
    the order editors gave the source. Reordering needs its own `reorder_<model>` permission,
    since it changes the order of every locale at once.
    """

    sort_order: int | None  # Orderable's field

    class Meta(SiteContent.Meta):
        abstract = True
        ordering = ["sort_order", "pk"]

    def save(self, *args, **kwargs):
        # A save never moves an item: only sitecontent.ordering does. Whatever a revision or a
        # translation source remembered of the order, an item takes its group's place.
        group_order = self._group_sort_order()
        if group_order is not None:
            self.sort_order = group_order
        elif self.sort_order is None:  # a new item goes last
            highest = type(self).objects.aggregate(highest=Max("sort_order"))["highest"]
            self.sort_order = 0 if highest is None else highest + 1
        super().save(*args, **kwargs)

    def _group_sort_order(self):
        """The place of this item's translation group, from another of its rows."""
        return (
            type(self)
            .objects.filter(translation_key=self.translation_key, sort_order__isnull=False)
            .exclude(pk=self.pk)
            .values_list("sort_order", flat=True)
            .first()
        )

    def with_content_json(self, content):
        """A revision brings its content, not its place: publishing a draft saved before a
        drag-and-drop, an older revision or a revert leaves the item where it stands."""
        obj = super().with_content_json(content)
        obj.sort_order = self.sort_order
        return obj


class Link(models.Model):
    """A link to an internal page (resolved per locale) or to a route or URL."""

    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("internal page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A page of this site; each language links to its own version of it."),
    )
    link_url = models.CharField(
        _("route or URL"),
        max_length=500,
        blank=True,
        validators=[validate_link_url],
        help_text=_(
            "A route of the website (/contact, #team) or a full URL (https://…, mailto:…). "
            "Leave empty when linking to an internal page."
        ),
    )

    # The locale of the item carrying the link (TranslatableMixin's, on every site content).
    locale: Any

    link_required = True
    # Where the link is optional, the field holding its text: the text and the link need each
    # other (a button label, a "Read more").
    link_label_field: str | None = None
    link_label_messages = {
        "no_link": _("A link label needs a link."),
        "no_label": _("A link needs a label."),
    }

    link_panels = [
        FieldRowPanel([FieldPanel("link_page"), FieldPanel("link_url")], heading=_("Link"))
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.link_page_id and self.link_url:
            raise ValidationError(
                {"link_url": _("Choose an internal page or enter a route or URL, not both.")}
            )
        if self.link_required and not self.has_link:
            raise ValidationError(
                {"link_url": _("Choose an internal page or enter a route or URL.")}
            )
        if self.link_label_field:
            label = getattr(self, self.link_label_field)
            if label and not self.has_link:
                raise ValidationError({"link_url": self.link_label_messages["no_link"]})
            if self.has_link and not label:
                raise ValidationError(
                    {self.link_label_field: self.link_label_messages["no_label"]}
                )

    @property
    def has_link(self):
        return bool(self.link_page_id or self.link_url)

    @property
    def link_points_outside(self):
        """Whether the link leaves the website (a full URL, an e-mail address, a phone)."""
        return not self.link_page_id and urlsplit(self.link_url).scheme in EXTERNAL_SCHEMES

    def get_link_url(self):
        """The link's URL; a page link resolves to that page's version in this item's locale,
        or to the page itself while it has no live translation."""
        if self.link_page_id:
            page = cast(Any, self.link_page)  # a Page: its id is set
            translated = page.get_translation_or_none(self.locale)
            if translated is not None and translated.live:
                page = translated
            return page.get_url()
        return self.link_url
