from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Page
from wagtail_localize.fields import SynchronizedField, TranslatableField

from providers import Provider

from .fields import SlotImageField

# Renders a home page: fn(request, page, preview) -> the response, the page with the whole
# website around it. Whoever serves the website (cms) provides it: live and in previews, the
# page is the website's own rendering.
RENDER_PAGE = Provider("home_render_page", "nothing would render the home page")


class HomePage(Page):
    """The root page of one locale's site: its intro content and its SEO.

    There is one per locale, each under the tree's root; the Arabic one is a wagtail-localize
    translation of the English one, so both share a translation key.
    """

    heading = models.CharField(
        _("heading"),
        max_length=255,
        blank=True,
        help_text=_("The main heading of the home page; the page title is used when empty."),
    )
    intro = RichTextField(
        _("intro"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("A short introduction shown below the heading."),
    )
    og_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("social share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared on social media (1200×630 works best)."),
    )

    content_panels = [*Page.content_panels, FieldPanel("heading"), FieldPanel("intro")]
    promote_panels = [*Page.promote_panels, FieldPanel("og_image")]

    parent_page_types = ["wagtailcore.Page"]

    api_fields = [
        APIField("heading"),
        APIField("intro"),
        APIField("og_image", serializer=SlotImageField("share")),
    ]

    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        TranslatableField("heading"),
        TranslatableField("intro"),
        SynchronizedField("slug", overridable=False),
        SynchronizedField("og_image"),
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    @classmethod
    def can_create_at(cls, parent):
        # One home page per locale: more would be a second site root for the same language.
        return (
            super().can_create_at(parent)
            and not cls.objects.filter(locale_id=parent.locale_id).exists()
        )

    @property
    def seo_description(self):
        return self.search_description

    def get_seo_title(self):
        return self.seo_title or self.title

    def serve(self, request, *args, **kwargs):
        request.is_preview = False
        return self._render(request, preview=False)

    def serve_preview(self, request, mode_name):
        return self._render(request, preview=True)

    def _render(self, request, preview):
        return RENDER_PAGE(request, self, preview)
