from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views

urlpatterns = [
    path("", cms_views.api_info, name="api_info"),
    path("health/", cms_views.health, name="health"),
    path("health/live/", cms_views.liveness, name="liveness"),
    path("api/", include("cms.api.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages live under their locale (/en/…, /ar/…), so each locale's URLs differ and a link to an
# internal page resolves to the right path per locale. Must stay last: it catches everything.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=True)

# Errors under /api/ answer in the JSON envelope; elsewhere, Django's pages.
handler400 = cms_views.bad_request
handler403 = cms_views.forbidden
handler404 = cms_views.page_not_found
handler500 = cms_views.server_error
