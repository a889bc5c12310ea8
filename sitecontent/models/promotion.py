"""Heroes and partners: what the home page shows off."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.images import get_image_model_string
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .base import Link, OrderedSiteContent


class DescribedImage(models.Model):
    """The alt text of an item's image, written with the item, so it is translated with it
    (wagtail-localize) and readers get it in their language; or, on purpose, none at all."""

    image_alt = models.CharField(
        _("alt text"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it, in this item's language. "
            "Empty: the image's own description."
        ),
    )
    image_is_decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_("It adds nothing a reader needs: screen readers skip it (an empty alt)."),
    )

    class Meta:
        abstract = True

    @staticmethod
    def image_panels(image_field, heading):
        return MultiFieldPanel(
            [FieldPanel(image_field), FieldPanel("image_alt"), FieldPanel("image_is_decorative")],
            heading=heading,
        )

    image_translatable_fields = [
        TranslatableField("image_alt"),
        SynchronizedField("image_is_decorative"),
    ]

    def alt_text(self, fallback=""):
        """What the payload says of the image: nothing for a decorative one."""
        return "" if self.image_is_decorative else (self.image_alt or fallback)


class Hero(Link, DescribedImage, OrderedSiteContent):
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
        DescribedImage.image_panels("background_image", _("Background image")),
    ]

    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("description"),
        TranslatableField("button_label"),
        SynchronizedField("link_page"),
        SynchronizedField("link_url"),
        SynchronizedField("background_image"),
        *DescribedImage.image_translatable_fields,
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(OrderedSiteContent.Meta):
        verbose_name = _("hero")
        verbose_name_plural = _("heroes")
        permissions = [("reorder_hero", "Can reorder heroes")]

    def __str__(self):
        return self.title


class Partner(DescribedImage, OrderedSiteContent):
    name = models.CharField(_("name"), max_length=255)
    logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("logo"),
        null=True,  # deleting the image must not delete the partner
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The partner's logo; described by its alt text, else the partner's name."),
    )
    website_url = models.URLField(
        _("website"), blank=True, help_text=_("The partner's website, opened from the logo.")
    )

    panels = [
        FieldPanel("name"),
        DescribedImage.image_panels("logo", _("Logo")),
        FieldPanel("website_url"),
    ]

    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("logo"),
        *DescribedImage.image_translatable_fields,
        SynchronizedField("website_url"),
        SynchronizedField("sort_order", overridable=False),
    ]

    class Meta(OrderedSiteContent.Meta):
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        permissions = [("reorder_partner", "Can reorder partners")]

    def __str__(self):
        return self.name
