"""The project's own API endpoints: website data, cache refresh, translation status, publish
receipts, the OpenAPI document. Each is a thin view: cms.api.endpoint does methods, auth and
errors, cms.api.inputs validates, cms.delivery, cms.editorial and cms.webhooks do the work."""

import functools
import time

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from django.utils.translation import get_language_info
from django.views.decorators.csrf import csrf_exempt

from cms.delivery.build import dumps
from cms.delivery.keys import cache_tags, patch_public_cache_headers
from cms.delivery.locales import default_locale
from cms.delivery.payload import get_website_data, refresh
from cms.delivery.propagation import mark_unshareable, too_late_to_share
from cms.delivery.sections import Section
from cms.editorial.preview import CannotApply, DraftGone, PreviewTokenError, preview_payload
from cms.editorial.translation_status import status_for
from cms.webhooks import receipts

from .endpoint import api_endpoint
from .envelope import envelope_around, error_response, json_response, success_response
from .inputs import (
    InvalidRequest,
    comma_list,
    parse_locale,
    parse_sections,
    refresh_request,
)
from .openapi import openapi_document


@functools.cache
def payload_message(locale_code: str) -> str:
    return f"Website data for {get_language_info(locale_code)['name']} ({locale_code})."


@api_endpoint("GET", public_cache=True)
def website_data(request: HttpRequest) -> HttpResponse:
    """Everything a page render needs for one locale, in one response, from the cache."""
    locale = parse_locale(request.GET.get("locale"))
    sections = parse_sections(comma_list(request.GET.get("sections")))

    token = request.GET.get("preview")
    if token is not None:
        # Without ?locale=, a preview is in the draft's own locale.
        return website_data_preview(token, locale if "locale" in request.GET else None, sections)

    payload = get_website_data(locale, sections)
    read_at = time.monotonic()
    etag = payload.entry.etag
    response: HttpResponse
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match and etag in parse_etags(if_none_match):
        response = HttpResponseNotModified()
    else:
        entry = payload.entry
        response = json_response(
            envelope_around(entry.body, payload_message(locale), entry.built_at)
        )
    response["ETag"] = etag
    response["X-Cache"] = payload.source
    if payload.stale:
        # The database is down (or a build is slow) and nothing fresher is cached: the last
        # payload built, as it was. Caches may keep it only if they ask again every time.
        response["Warning"] = '110 - "Response is Stale"'
        response["Cache-Control"] = "no-cache"
        return response
    patch_public_cache_headers(response, payload.entry.expires_at, cache_tags(locale, sections))
    if not payload.current or too_late_to_share(read_at):
        mark_unshareable(response)
    return response


def website_data_preview(token: str, locale: str | None, sections: list[Section]) -> HttpResponse:
    """The payload with a draft applied (cms.editorial.preview). Never stored: not in Redis,
    not by a browser or CDN (Cache-Control: no-store)."""
    try:
        entry, locale_code = preview_payload(token, locale, sections)
    except PreviewTokenError as error:
        return error_response(
            401,
            str(error),
            headers={"WWW-Authenticate": 'Bearer realm="cms-preview", error="invalid_token"'},
        )
    except DraftGone as error:
        return error_response(404, str(error))
    except CannotApply as error:  # a release that would not go live
        return error_response(409, str(error))
    response = json_response(
        envelope_around(entry.body, payload_message(locale_code), entry.built_at)
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@api_endpoint("POST", token=True)
def update_redis(request: HttpRequest) -> HttpResponse:
    """Rebuild the cache of all, or the named, locales and sections (bearer token only)."""
    locales, sections = refresh_request(request)
    refreshed = refresh(locales, sections)
    return success_response(
        {"refreshed": refreshed},
        f"Refreshed {len(refreshed)} cache keys for {', '.join(locales)}.",
    )


@api_endpoint("GET", token=True)
def translation_status(request: HttpRequest) -> HttpResponse:
    """Translation figures of one locale (bearer token only, like the cache refresh)."""
    locale = parse_locale(request.GET.get("locale"))
    if locale == default_locale():
        raise InvalidRequest(f"{locale} is the source locale: ask for a translation.")
    return success_response(status_for(locale), f"Translation status of {locale}.")


@api_endpoint("GET", token=True)
def publish_receipt(request: HttpRequest, receipt_id: int) -> HttpResponse:
    """Where one publish stands: Redis, each shared cache, each frontend told, with times
    (bearer token only: it names who published)."""
    receipt = receipts.find(receipt_id)
    if receipt is None:
        return error_response(404, f"No publish receipt {receipt_id}.")
    data = receipts.as_json(receipt)
    return success_response(data, f"Publish receipt {receipt_id}: {data['summary']}.")


@api_endpoint("GET", public_cache=True)
def openapi_schema(request: HttpRequest) -> HttpResponse:
    return json_response(dumps(openapi_document()))


@csrf_exempt  # it changes nothing: a PUT to an unknown path is a 404, not a CSRF refusal
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return error_response(404, f"No API endpoint at {request.path}.")
