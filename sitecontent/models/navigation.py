"""The menu and the footer links."""

import logging
from typing import cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail_localize.fields import SynchronizedField, TranslatableField

from ..forms import MenuItemForm
from .base import Link, OrderedSiteContent

logger = logging.getLogger(__name__)


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
    base_form_class = MenuItemForm

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

    def placement(self):
        """Its parent, as the listing names it; and when the database nests it deeper than the
        menu's one level (two edits raced, or SQL wrote it), where the menu shows it instead:
        the editor sees what to fix."""
        if self.parent is None:
            return ""
        if self.parent.parent_id is None:
            return str(self.parent)
        top = self.shown_under()
        if top is None:
            message = _("%(parent)s: its parents loop, so the menu leaves it out.")
        else:
            message = _("%(parent)s: nested too deep, the menu shows it under %(top)s.")
        return message % {"parent": self.parent, "top": top}

    def shown_under(self):
        """The top-level item the menu shows this one under (None at the top level, or when
        its parents loop and the menu leaves it out)."""
        return None if self.parent is None else _top_level_of(self.parent)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.parent_id is None or (update_fields is not None and "parent" not in update_fields):
            return super().save(*args, **kwargs)
        with transaction.atomic():
            self._hold_one_level()
            return super().save(*args, **kwargs)

    def _hold_one_level(self):
        """The one-level rule, held whatever concurrent edits did (the form checks against
        what it read, and two edits can each be valid against the other's old state): with
        this item and its parent locked, an item under a child is lifted to the child's
        top-level item, and an item with children of its own stays at the top level."""
        locked = MenuItem.objects.select_for_update().filter(pk__in={self.pk, self.parent_id})
        rows = {row.pk: row for row in locked.order_by("pk")}
        parent = rows.get(self.parent_id)
        if parent is None or parent.pk == self.pk:
            self.parent = None
        elif self.pk is not None and MenuItem.objects.filter(parent_id=self.pk).exists():
            logger.warning("Menu item %s has items under it: kept at the top level", self.pk)
            self.parent = None
        elif parent.parent_id is not None:
            top = _top_level_of(parent)
            logger.warning("Menu item %s lifted from under %s to %s", self.pk, parent.pk, top)
            self.parent = top

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        parent = cast(MenuItem, self.parent)  # its id is set
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


def _top_level_of(item):
    """The top-level item `item` hangs from; None when its parents loop."""
    seen = {item.pk}
    while item.parent_id is not None:
        if item.parent_id in seen:
            return None
        seen.add(item.parent_id)
        item = MenuItem.objects.get(pk=item.parent_id)
    return item


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
