"""The Wagtail API v2 endpoints (/api/v2/): pages, images, documents and the site content.

Anonymous and read-only: no session or authentication lookups, only live content, and every
error in the same JSON envelope as the rest of /api/ (with Wagtail's "message" kept).
"""

from rest_framework.permissions import AllowAny
from wagtail.api.v2.filters import FieldsFilter, LocaleFilter, OrderingFilter, SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Locale

from sitecontent.models import FooterLink, Hero, MenuItem, Partner

from .responses import error_envelope
from .website_data import supported_locales


class KnownLocaleFilter(LocaleFilter):
    """?locale= with a 400 naming the supported locales, instead of Wagtail's bare 404."""

    def filter_queryset(self, request, queryset, view):
        code = request.GET.get("locale")
        if code is not None and not Locale.objects.filter(language_code=code).exists():
            raise BadRequestError(
                f"Unsupported locale {code!r}. Supported locales: "
                f"{', '.join(supported_locales())}."
            )
        return super().filter_queryset(request, queryset, view)


class PublicEndpoint:
    authentication_classes = []  # public content: no session lookup, no Vary: Cookie
    permission_classes = [AllowAny]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        detail = response.data.get("message") or response.data.get("detail") or str(exc)
        response.data = error_envelope(str(detail))
        return response


class SiteContentAPIViewSet(PublicEndpoint, BaseAPIViewSet):
    filter_backends = [FieldsFilter, OrderingFilter, KnownLocaleFilter, SearchFilter]
    known_query_parameters = BaseAPIViewSet.known_query_parameters.union(["locale"])
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "locale"]

    def get_queryset(self):
        return self.model.objects.live().select_related("locale").order_by("sort_order", "pk")


class MenuItemsAPIViewSet(SiteContentAPIViewSet):
    model = MenuItem
    listing_default_fields = [
        *SiteContentAPIViewSet.listing_default_fields,
        "label",
        "url",
        "is_external",
        "parent",
    ]


class HeroesAPIViewSet(SiteContentAPIViewSet):
    model = Hero
    listing_default_fields = [
        *SiteContentAPIViewSet.listing_default_fields,
        "title",
        "description",
        "button_label",
        "url",
        "background_image",
        "background_image_mobile",
    ]


class PartnersAPIViewSet(SiteContentAPIViewSet):
    model = Partner
    listing_default_fields = [
        *SiteContentAPIViewSet.listing_default_fields,
        "name",
        "website_url",
        "logo",
    ]


class FooterLinksAPIViewSet(SiteContentAPIViewSet):
    model = FooterLink
    listing_default_fields = [
        *SiteContentAPIViewSet.listing_default_fields,
        "key",
        "label",
        "group",
        "url",
        "is_external",
    ]


class PagesEndpoint(PublicEndpoint, PagesAPIViewSet):
    filter_backends = [
        KnownLocaleFilter if backend is LocaleFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]


class ImagesEndpoint(PublicEndpoint, ImagesAPIViewSet):
    pass


class DocumentsEndpoint(PublicEndpoint, DocumentsAPIViewSet):
    pass


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesEndpoint)
api_router.register_endpoint("images", ImagesEndpoint)
api_router.register_endpoint("documents", DocumentsEndpoint)
api_router.register_endpoint("menu-items", MenuItemsAPIViewSet)
api_router.register_endpoint("heroes", HeroesAPIViewSet)
api_router.register_endpoint("partners", PartnersAPIViewSet)
api_router.register_endpoint("footer-links", FooterLinksAPIViewSet)
