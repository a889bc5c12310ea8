from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Paths that are neither pages nor the admin. The language never comes from their URL, and
# Django's LocaleMiddleware would only get in the way: it varies responses on Accept-Language
# and redirects a 404 such as /api/nothing to the page URL /en/api/nothing/.
UNLOCALIZED_PREFIXES = ("/api/", "/health/", "/documents/", "/static/", "/media/")


class PageLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except for the API and service paths, which always run in the
    default language (the active language is per thread: it must be set on every request)."""

    def __call__(self, request):
        path = request.path_info
        if path == "/" or path.startswith(UNLOCALIZED_PREFIXES):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return self.get_response(request)
        return super().__call__(request)
