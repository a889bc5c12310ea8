"""Search and social defaults: per locale (SiteSeo) and site-wide settings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.images import get_image_model_string
from wagtail_localize.fields import SynchronizedField, TranslatableField

from ..validators import validate_social_handle
from .base import SiteContent


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
