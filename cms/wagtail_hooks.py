from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import RefreshWebsiteCacheView, TranslationStatusReportView


@hooks.register("register_admin_urls")
def register_cache_admin_urls():
    return [
        path("website-cache/", RefreshWebsiteCacheView.as_view(), name="cms_refresh_cache"),
        path(
            "reports/translation-status/",
            TranslationStatusReportView.as_view(),
            name="cms_translation_status_report",
        ),
        path(
            "reports/translation-status/results/",
            TranslationStatusReportView.as_view(results_only=True),
            name="cms_translation_status_report_results",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_settings_menu_item")
def register_cache_menu_item():
    return PermissionMenuItem(
        _("Refresh website cache"),
        reverse("cms_refresh_cache"),
        icon_name="rotate",
        order=900,
        permission=RefreshWebsiteCacheView.permission,
    )


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    return PermissionMenuItem(
        _("Translation status"),
        reverse("cms_translation_status_report"),
        icon_name="doc-full",
        order=900,
        permission=TranslationStatusReportView.permission,
    )
