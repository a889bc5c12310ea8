"""Heroes and partners: what the home page shows off."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.images import get_image_model_string
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .base import Link, OrderedSiteContent


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
    link_label_field = "button_label"
    link_label_messages = {
        "no_link": _("A button needs a link."),
        "no_label": _("A link needs a button label."),
    }

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
