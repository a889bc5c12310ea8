"""The website's shared content: navigation, heroes, partners, footer links and SEO.

Every item exists once per locale (TranslatableMixin: one row per language, tied together by a
translation key) and goes through drafts, revisions and publishing. `translatable_fields` says,
for wagtail-localize, what a translator translates and what follows the source item.
"""

from urllib.parse import urlsplit

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.images import get_image_model_string
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
)
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .validators import validate_link_url, validate_social_handle

# Schemes that leave the website; anything else ("/about", "#team") stays on it.
EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# The hook that gives a draft's whole-site preview its data: fn(draft) -> the website's payload
# data with the draft applied.
SITE_PREVIEW_HOOK = "sitecontent_site_preview_data"


class SiteContentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)


class SiteContent(
    TranslatableMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    models.Model,
):
    """What every site-content snippet is: translatable, publishable, revisioned, lockable."""

    objects = SiteContentQuerySet.as_manager()

    revisions_relation = GenericRelation(
        "wagtailcore.Revision", related_query_name="%(app_label)s_%(class)s"
    )

    class Meta(TranslatableMixin.Meta):
        abstract = True

    @property
    def revisions(self):
        # Wagtail reads revisions through this name; the GenericRelation above makes deleting
        # an item delete its revisions too.
        return self.revisions_relation

    @property
    def preview_modes(self):
        return [("", _("Website")), ("item", _("This item only"))]

    def get_preview_template(self, request, mode_name):
        if mode_name == "item":
            return f"sitecontent/previews/{self._meta.model_name}.html"
        return "sitecontent/previews/website.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["locale"] = self.locale
        context["direction"] = "rtl" if self.locale.is_bidi else "ltr"
        if mode_name != "item":
            # The website as the API would serve it with this draft published: whoever serves
            # the website (cms) fills it in through the hook.
            for fn in hooks.get_hooks(SITE_PREVIEW_HOOK):
                context["website"] = fn(self)
        return context


class OrderedSiteContent(SiteContent, Orderable):
    """Site content that editors order. The order is the source item's: translations share it.

    `sort_order` is synchronised to translations, and reordering in the admin moves an item
    together with its translations (see sitecontent.ordering), so every locale lists items in
    the order editors gave the source. Reordering needs its own `reorder_<model>` permission,
    since it changes the order of every locale at once.
    """

    class Meta(SiteContent.Meta):
        abstract = True
        ordering = ["sort_order", "pk"]

    def save(self, *args, **kwargs):
        if self.sort_order is None:
            self.sort_order = self._initial_sort_order()
        super().save(*args, **kwargs)

    def _initial_sort_order(self):
        # A translation takes its source's place; a new item goes last.
        sibling_order = (
            type(self)
            .objects.filter(translation_key=self.translation_key, sort_order__isnull=False)
            .exclude(pk=self.pk)
            .values_list("sort_order", flat=True)
            .first()
        )
        if sibling_order is not None:
            return sibling_order
        highest = type(self).objects.aggregate(highest=Max("sort_order"))["highest"]
        return 0 if highest is None else highest + 1


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

    link_required = True

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
            page = self.link_page
            translated = page.get_translation_or_none(self.locale)
            if translated is not None and translated.live:
                page = translated
            return page.get_url()
        return self.link_url


class Announcement(Link, OrderedSiteContent):
    """A notice across the top of every page of one locale's website ("Offices closed on
    Friday"), shown while it is published and, optionally, only between a start and an end.
    When several are shown at once, the website shows the first in editors' order."""

    class Tone(models.TextChoices):
        INFO = "info", _("Information")
        SUCCESS = "success", _("Good news")
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Urgent")

    message = models.CharField(
        _("message"),
        max_length=200,
        help_text=_("One or two short sentences, shown across the top of every page."),
    )
    tone = models.CharField(
        _("tone"),
        max_length=20,
        choices=Tone.choices,
        default=Tone.INFO,
        help_text=_("How the website presents it: urgent notices stand out most."),
    )
    link_label = models.CharField(
        _("link label"),
        max_length=50,
        blank=True,
        help_text=_("The text of a link after the message (Read more); empty for no link."),
    )
    starts_at = models.DateTimeField(
        _("shown from"),
        null=True,
        blank=True,
        help_text=_("Leave empty to show it as soon as it is published."),
    )
    ends_at = models.DateTimeField(
        _("shown until"),
        null=True,
        blank=True,
        help_text=_("Leave empty to show it until it is unpublished."),
    )

    link_required = False

    panels = [
        FieldPanel("message"),
        FieldPanel("tone"),
        MultiFieldPanel(
            [FieldPanel("link_label"), FieldPanel("link_page"), FieldPanel("link_url")],
            heading=_("Link"),
        ),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("When")),
    ]

    translatable_fields = [
        TranslatableField("message"),
        TranslatableField("link_label"),
        SynchronizedField("tone"),
        SynchronizedField("link_page"),
        SynchronizedField("link_url"),
        SynchronizedField("starts_at"),
        SynchronizedField("ends_at"),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(OrderedSiteContent.Meta):
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        permissions = [("reorder_announcement", "Can reorder announcements")]

    def __str__(self):
        return self.message

    def clean(self):
        super().clean()
        if self.link_label and not self.has_link:
            raise ValidationError({"link_url": _("A link label needs a link.")})
        if self.has_link and not self.link_label:
            raise ValidationError({"link_label": _("A link needs a label.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def is_shown_at(self, moment):
        return (self.starts_at is None or self.starts_at <= moment) and (
            self.ends_at is None or moment < self.ends_at
        )


class MenuItem(Link, OrderedSiteContent):
    label = models.CharField(_("label"), max_length=100, help_text=_("The text in the menu."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # children move to the top level rather than vanish
        related_name="children",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Nest this item under a top-level item (one level of nesting)."),
    )

    panels = [FieldPanel("label"), *Link.link_panels, FieldPanel("parent")]

    translatable_fields = [
        TranslatableField("label"),
        # Points the translation at the parent's translation in the same locale.
        TranslatableField("parent"),
        SynchronizedField("link_page"),
        SynchronizedField("link_url"),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(OrderedSiteContent.Meta):
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        permissions = [("reorder_menuitem", "Can reorder menu items")]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        parent = self.parent
        if self.pk is not None and parent.pk == self.pk:
            raise ValidationError({"parent": _("An item cannot be its own parent.")})
        if parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Choose a top-level item: the menu has one level of nesting.")}
            )
        if self.locale_id and parent.locale_id != self.locale_id:
            raise ValidationError({"parent": _("Choose an item in the same language.")})
        if self.pk is not None and self.children.exists():
            raise ValidationError(
                {"parent": _("This item has items under it, so it must stay at the top level.")}
            )


class Hero(Link, OrderedSiteContent):
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    button_label = models.CharField(
        _("button label"),
        max_length=50,
        blank=True,
        help_text=_("The call to action; leave empty for a hero without a button."),
    )
    background_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("background image"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A wide image (at least 1920×800); its focal point is kept when cropped."),
    )

    link_required = False

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("button_label"), FieldPanel("link_page"), FieldPanel("link_url")],
            heading=_("Button"),
        ),
        FieldPanel("background_image"),
    ]

    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("description"),
        TranslatableField("button_label"),
        SynchronizedField("link_page"),
        SynchronizedField("link_url"),
        SynchronizedField("background_image"),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(OrderedSiteContent.Meta):
        verbose_name = _("hero")
        verbose_name_plural = _("heroes")
        permissions = [("reorder_hero", "Can reorder heroes")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.button_label and not self.has_link:
            raise ValidationError({"link_url": _("A button needs a link.")})
        if self.has_link and not self.button_label:
            raise ValidationError({"button_label": _("A link needs a button label.")})


class Partner(OrderedSiteContent):
    name = models.CharField(_("name"), max_length=255)
    logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("logo"),
        null=True,  # deleting the image must not delete the partner
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The partner's logo; frontends describe it with the partner's name."),
    )
    website_url = models.URLField(
        _("website"), blank=True, help_text=_("The partner's website, opened from the logo.")
    )

    panels = [FieldPanel("name"), FieldPanel("logo"), FieldPanel("website_url")]

    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("logo"),
        SynchronizedField("website_url"),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(OrderedSiteContent.Meta):
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        permissions = [("reorder_partner", "Can reorder partners")]

    def __str__(self):
        return self.name


class FooterLink(Link, OrderedSiteContent):
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_(
            "A stable name the frontend finds this link by (privacy, terms, …); "
            "unique within a language and the same in every language."
        ),
    )
    label = models.CharField(_("label"), max_length=100)
    group = models.CharField(
        _("group"),
        max_length=100,
        blank=True,
        help_text=_("Footer links with the same group are shown together (e.g. Legal)."),
    )
    is_external = models.BooleanField(
        _("opens another website"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Leave unknown to derive it from the link."),
    )

    panels = [
        FieldPanel("key"),
        FieldPanel("label"),
        FieldPanel("group"),
        *Link.link_panels,
        FieldPanel("is_external"),
    ]

    translatable_fields = [
        TranslatableField("label"),
        TranslatableField("group"),
        SynchronizedField("key", overridable=False),
        SynchronizedField("link_page"),
        SynchronizedField("link_url"),
        SynchronizedField("is_external"),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(OrderedSiteContent.Meta):
        verbose_name = _("footer link")
        verbose_name_plural = _("footer links")
        permissions = [("reorder_footerlink", "Can reorder footer links")]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "locale"], name="sitecontent_footerlink_unique_key_per_locale"
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        # The form excludes `locale`, so Django would skip this constraint and let the
        # database raise instead; check it here to give the editor a form error.
        clash = FooterLink.objects.filter(locale_id=self.locale_id, key=self.key)
        if self.key and self.locale_id and clash.exclude(pk=self.pk).exists():
            raise ValidationError(
                {"key": _("Another footer link in this language already uses this key.")}
            )

    @property
    def opens_externally(self):
        if self.is_external is not None:
            return self.is_external
        return self.link_points_outside


class SiteSeo(SiteContent):
    """The site-wide SEO defaults of one locale; pages may override them."""

    site_name = models.CharField(_("site name"), max_length=100)
    default_title = models.CharField(
        _("default title"),
        max_length=255,
        help_text=_("Used as the page title where a page has none of its own."),
    )
    description = models.TextField(
        _("description"),
        max_length=320,
        help_text=_("The default meta description (about 155 characters read best)."),
    )
    keywords = models.CharField(
        _("keywords"), max_length=255, blank=True, help_text=_("Comma-separated keywords.")
    )
    og_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("social share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The default image when a page is shared (1200×630 works best)."),
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("default_title"),
        FieldPanel("description"),
        FieldPanel("keywords"),
        FieldPanel("og_image"),
    ]

    translatable_fields = [
        TranslatableField("site_name"),
        TranslatableField("default_title"),
        TranslatableField("description"),
        TranslatableField("keywords"),
        SynchronizedField("og_image"),
    ]

    class Meta(SiteContent.Meta):
        verbose_name = _("site SEO")
        verbose_name_plural = _("site SEO")
        constraints = [
            models.UniqueConstraint(fields=["locale"], name="sitecontent_siteseo_one_per_locale")
        ]

    def __str__(self):
        return self.site_name

    def clean(self):
        super().clean()
        clash = SiteSeo.objects.filter(locale_id=self.locale_id).exclude(pk=self.pk)
        if self.locale_id and clash.exists():
            raise ValidationError(
                _("This language already has its site SEO: edit that one instead.")
            )

    @property
    def keyword_list(self):
        return [word.strip() for word in self.keywords.split(",") if word.strip()]


@register_setting(icon="globe")
class SocialMediaSettings(BaseSiteSetting):
    """Language-neutral profiles and the fallback share image (site settings cannot be
    translated: wagtail#11508)."""

    x_handle = models.CharField(
        _("X (Twitter) handle"),
        max_length=15,
        blank=True,
        validators=[validate_social_handle],
        help_text=_("Without the @."),
    )
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    default_share_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("default share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Used when neither a page nor the locale's SEO has a share image."),
    )

    class Meta:
        verbose_name = _("social media")

    def __str__(self):
        return str(self.site)
