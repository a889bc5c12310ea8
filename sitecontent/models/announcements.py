"""A notice across the top of every page."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .base import Link, OrderedSiteContent


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
    link_label_field = "link_label"

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
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def is_shown_at(self, moment):
        return (self.starts_at is None or self.starts_at <= moment) and (
            self.ends_at is None or moment < self.ends_at
        )
