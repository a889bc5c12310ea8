"""The Wagtail API v2 endpoints (/api/v2/): pages, images, documents, and one endpoint for
each payload section that declares one (cms.delivery.sections).

A section's endpoint serves exactly the items /api/website-data/ serves for that section, from
the same builders and the same cache: the same link resolution, visibility rules, locale
fallback (`fallback_locale`) and image renditions, with the same public Cache-Control. Each
item adds Wagtail's `meta` (type, detail_url, locale), and `?fields=` chooses among an item's
fields with Wagtail's syntax (cms.api.fields).

Anonymous and read-only: no session or authentication lookups, only live content, and every
error in the same JSON envelope as the rest of /api/ (with Wagtail's "message" kept).
"""

import time
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.cache import patch_cache_control
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from wagtail.api.v2.filters import LocaleFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, get_object_detail_url
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.delivery.keys import cache_tags, patch_public_cache_headers
from cms.delivery.locales import supported_locales
from cms.delivery.payload import get_section
from cms.delivery.propagation import mark_unshareable, too_late_to_share
from cms.delivery.sections import SECTIONS, Section

from .envelope import error_envelope
from .fields import Selection, item_selection
from .inputs import InvalidRequest, parse_locale
from .schemas import item_schema

MAX_LIMIT = 100  # WAGTAILAPI_LIMIT_MAX


class KnownLocaleFilter(LocaleFilter):
    """?locale= with a 400 naming the supported locales, instead of Wagtail's bare 404."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        code = request.GET.get("locale")
        if code is not None and code not in supported_locales():
            raise BadRequestError(
                f"Unsupported locale {code!r}. Supported locales: "
                f"{', '.join(supported_locales())}."
            )
        return super().filter_queryset(request, queryset, view)


class PublicEndpoint:
    # public content: no session lookup, no Vary: Cookie
    authentication_classes: list[type[Any]] = []
    permission_classes = [AllowAny]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, InvalidRequest):
            exc = BadRequestError(str(exc))
        # A mixin: DRF's APIView, later in the endpoints' MRO, has handle_exception.
        response = super().handle_exception(exc)  # type: ignore[misc]
        detail = response.data.get("message") or response.data.get("detail") or str(exc)
        response.data = error_envelope(str(detail))
        return response


class SectionAPIViewSet(PublicEndpoint, BaseAPIViewSet):
    """A payload section's items, per locale (?locale=, the default locale without it)."""

    section: Section
    listing_parameters = frozenset({"locale", "limit", "offset", "fields"})
    detail_parameters = frozenset({"locale", "fields"})

    def get_queryset(self) -> Any:  # the section model's QuerySet (self.model is Wagtail's)
        return self.model.objects.filter(live=True).order_by("pk")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self._started = time.monotonic()
        super().initial(request, *args, **kwargs)

    def listing_view(self, request: Request) -> Response:
        self._check_parameters(self.listing_parameters)
        locale = parse_locale(request.GET.get("locale"))
        selection = self._selection()
        items = self._items(locale)
        offset = self._whole_number("offset", 0)
        limit = self._whole_number("limit", 20)
        if limit > MAX_LIMIT:
            raise BadRequestError(f"limit cannot be higher than {MAX_LIMIT}")
        page = items[offset : offset + limit]
        return self._public(
            Response(
                {
                    "meta": {"total_count": len(items)},
                    "items": [self._shown(item, locale, selection) for item in page],
                }
            ),
            locale,
        )

    def detail_view(self, request: Request, pk: int) -> Response:
        self._check_parameters(self.detail_parameters)
        selection = self._selection()
        if "locale" in request.GET:
            locale = parse_locale(request.GET["locale"])
        else:
            locale = (
                self.get_queryset()
                .filter(pk=pk)
                .values_list("locale__language_code", flat=True)
                .first()
            )
        item = _find(self._items(locale), pk) if locale else None
        if item is None:
            raise Http404(f"No live {self.model._meta.verbose_name} with id {pk}.")
        return self._public(Response(self._shown(item, locale, selection)), locale)

    def _items(self, locale: str) -> list[dict[str, Any]]:
        data = get_section(locale, self.section)
        if isinstance(data, list):
            return data
        return [data] if data else []

    def _selection(self) -> Selection | None:
        fields = self.request.GET.get("fields")
        return None if fields is None else item_selection(fields, item_schema(self.section))

    def _shown(
        self, item: dict[str, Any], locale: str, selection: Selection | None
    ) -> dict[str, Any]:
        whole = self._with_meta(item, locale)
        return whole if selection is None else selection.of(whole)

    def _with_meta(self, item: dict[str, Any], locale: str) -> dict[str, Any]:
        meta = {
            "type": f"{self.model._meta.app_label}.{self.model.__name__}",
            "detail_url": get_object_detail_url(
                self.request.wagtailapi_router, self.request, self.model, item["id"]
            ),
            "locale": item.get("fallback_locale") or locale,
        }
        return {"id": item["id"], "meta": meta, **item}

    def _check_parameters(self, known: frozenset[str]) -> None:
        unknown = set(self.request.GET) - known
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised field: "
                + ", ".join(sorted(unknown))
            )

    def _whole_number(self, name: str, default: int) -> int:
        value = self.request.GET.get(name)
        if value is None:
            return default
        if not (value.isascii() and value.isdigit()):
            raise BadRequestError(f"{name} must be a positive integer")
        return int(value)

    def _public(self, response: Response, locale: str) -> Response:
        """Cached like website-data, and purged with it: under the section's tags."""
        patch_public_cache_headers(response, tags=cache_tags(locale, [self.section]))
        if too_late_to_share(self._started):
            mark_unshareable(response)
        return response


def _find(items: list[dict[str, Any]], pk: int) -> dict[str, Any] | None:
    """The item with this id, at the top level or among a menu item's children."""
    for item in items:
        if item["id"] == pk:
            return item
        if found := _find(item.get("children") or [], pk):
            return found
    return None


def section_endpoint(section: Section) -> type[SectionAPIViewSet]:
    name = f"{section.model.__name__}APIViewSet"
    return type(name, (SectionAPIViewSet,), {"model": section.model, "section": section})


class RevalidatedEachTime:
    """Wagtail's own endpoints (pages, images, documents): nothing purges them from shared
    caches by tag when they change, so a CDN or Varnish may keep a response only to ask again
    (`no-cache`), never serve it unasked for its default TTL."""

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        # A mixin: DRF's APIView, later in the endpoints' MRO, has finalize_response.
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        patch_cache_control(response, no_cache=True)
        return response


class PagesEndpoint(RevalidatedEachTime, PublicEndpoint, PagesAPIViewSet):
    filter_backends = [
        KnownLocaleFilter if backend is LocaleFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]


class ImagesEndpoint(RevalidatedEachTime, PublicEndpoint, ImagesAPIViewSet):
    pass


class DocumentsEndpoint(RevalidatedEachTime, PublicEndpoint, DocumentsAPIViewSet):
    pass


ENDPOINTS: dict[str, type[BaseAPIViewSet]] = {
    "pages": PagesEndpoint,
    "images": ImagesEndpoint,
    "documents": DocumentsEndpoint,
    **{
        section.api_endpoint: section_endpoint(section)
        for section in SECTIONS
        if section.api_endpoint
    },
}

api_router = WagtailAPIRouter("wagtailapi")
for name, endpoint in ENDPOINTS.items():
    api_router.register_endpoint(name, endpoint)
