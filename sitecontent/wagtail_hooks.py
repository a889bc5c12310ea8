from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, PublishingPanel
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, LocaleColumn, UpdatedAtColumn
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import views
from .columns import ThumbnailColumn, with_thumbnails
from .models import Announcement, FooterLink, Hero, MenuItem, Partner, SiteSeo
from .permissions import LocaleScopedPermissionPolicy

STATUS_COLUMNS = [LocaleColumn(), LiveStatusTagColumn(), UpdatedAtColumn()]


class SiteContentViewSet(SnippetViewSet):
    """Listing columns every site-content screen shares: locale, live status, last update.

    Translatable snippets get Wagtail's locale filter without asking.
    """

    list_display = ["__str__", *STATUS_COLUMNS]
    copy_view_enabled = False  # copying would make a second item with the same translations
    index_view_class = views.SiteContentIndexView
    reorder_view_class = views.TranslationGroupReorderView
    # The views that load or create an object check it against the permission policy too.
    add_view_class = views.CreateView
    preview_on_add_view_class = views.PreviewOnCreateView
    edit_view_class = views.EditView
    delete_view_class = views.DeleteView
    unpublish_view_class = views.UnpublishView
    revisions_unschedule_view_class = views.RevisionsUnscheduleView
    lock_view_class = views.LockView
    unlock_view_class = views.UnlockView
    chooser_viewset_class = views.SiteContentChooserViewSet
    # The image field drawn as a thumbnail first in the listing and the chooser (None: none).
    thumbnail: str | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.thumbnail is not None:  # beside the title (Wagtail links the first column)
            title, *others = self.list_display
            self.list_display = [title, ThumbnailColumn(self.thumbnail), *others]

    def get_edit_handler(self):
        # Wagtail's *Set schedule* (go live at, expire at, in the status panel) is there only
        # where the panels name it: the model's panels, then the schedule.
        return ObjectList([*self.model.panels, PublishingPanel()]).bind_to_model(self.model)

    def get_queryset(self, request):
        queryset = self.model._default_manager.all()
        return queryset if self.thumbnail is None else with_thumbnails(queryset, self.thumbnail)


class AnnouncementViewSet(SiteContentViewSet):
    model = Announcement
    icon = "warning"
    menu_label = _("Announcements")
    list_display = ["message", "tone", "starts_at", "ends_at", *STATUS_COLUMNS]
    search_fields = ["message"]


class MenuItemViewSet(SiteContentViewSet):
    model = MenuItem
    icon = "list-ul"
    menu_label = _("Menu")
    list_display = ["label", Column("placement", label=_("Parent")), *STATUS_COLUMNS]
    search_fields = ["label", "link_url"]

    def get_queryset(self, request):
        return MenuItem.objects.select_related("parent")  # the Parent column, in one query


class HeroViewSet(SiteContentViewSet):
    model = Hero
    icon = "image"
    menu_label = _("Heroes")
    list_display = ["title", Column("button_label", label=_("Button")), *STATUS_COLUMNS]
    search_fields = ["title", "description"]
    thumbnail = "background_image"


class PartnerViewSet(SiteContentViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partners")
    list_display = ["name", Column("website_url", label=_("Website")), *STATUS_COLUMNS]
    search_fields = ["name"]
    thumbnail = "logo"


class FooterLinkViewSet(SiteContentViewSet):
    model = FooterLink
    icon = "link"
    menu_label = _("Footer links")
    list_display = [
        "label",
        Column("key", label=_("Key")),
        Column("group", label=_("Group")),
        *STATUS_COLUMNS,
    ]
    search_fields = ["label", "key", "group"]


class SiteSeoViewSet(SiteContentViewSet):
    model = SiteSeo
    icon = "search"
    menu_label = _("SEO")
    list_display = ["site_name", Column("default_title", label=_("Title")), *STATUS_COLUMNS]
    thumbnail = "og_image"


class SiteContentGroup(SnippetViewSetGroup):
    menu_label = _("Site content")
    menu_icon = "site"
    menu_order = 150
    items = (
        AnnouncementViewSet,
        MenuItemViewSet,
        HeroViewSet,
        PartnerViewSet,
        FooterLinkViewSet,
        SiteSeoViewSet,
    )


# Before registering the viewsets, which would otherwise set Wagtail's default policy.
for viewset in SiteContentGroup.items:
    register_permission_policy(viewset.model, LocaleScopedPermissionPolicy(viewset.model))

register_snippet(SiteContentGroup)
