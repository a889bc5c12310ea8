"""What the API accepts, checked in one place at its edge: a bad value raises InvalidRequest
with a message that says what is accepted, and the endpoint answers it with a 4xx in the
envelope (cms.api.endpoint)."""

import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

from cms.delivery import sections as registry
from cms.delivery.locales import default_locale, supported_locales
from cms.delivery.sections import SECTIONS, Section


class InvalidRequest(ValueError):
    """Bad input from a client: the message says what is accepted."""

    status = 400


class BodyTooLarge(InvalidRequest):
    status = 413


class LengthRequired(InvalidRequest):
    status = 411


def parse_locale(value: str | None) -> str:
    """`ar`, `AR`, `ar-SA` and `ar_SA` all mean `ar`; no value means the default locale."""
    if value is None:
        return default_locale()
    code = value.strip().replace("_", "-").split("-", 1)[0].lower()
    if code not in supported_locales():
        raise InvalidRequest(
            f"Unsupported locale {value!r}. Supported locales: {', '.join(supported_locales())}."
        )
    return code


def parse_sections(values: Sequence[str] | None) -> list[Section]:
    """A list of section names (payload or cache names); None or empty means all of them."""
    if not values:
        return list(SECTIONS)
    unknown = [value for value in values if registry.find(value) is None]
    if unknown:
        raise InvalidRequest(
            f"Unknown section(s): {', '.join(map(repr, unknown))}. Sections: "
            + ", ".join(s.field for s in SECTIONS)
            + " (or their cache names: "
            + ", ".join(s.key for s in SECTIONS)
            + ")."
        )
    wanted = {registry.find(value) for value in values}
    return [s for s in SECTIONS if s in wanted]


def comma_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise InvalidRequest("List section names separated by commas, e.g. ?sections=menu,footer.")
    return items


def json_body(request: HttpRequest) -> Any:
    """The request's JSON body (an empty body is {}), within CMS_API_MAX_BODY_BYTES."""
    limit = settings.CMS_API_MAX_BODY_BYTES
    too_large = BodyTooLarge(f"The body is larger than {limit} bytes.")
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        # Django reads a body by its Content-Length: without one it would see none at all.
        raise LengthRequired("Send the body with a Content-Length, not chunked.")
    length = request.headers.get("Content-Length") or "0"
    if not length.isdigit() or int(length) > limit:
        raise too_large
    try:
        body = request.read(limit + 1)
    except RequestDataTooBig:
        raise too_large from None
    try:
        return json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidRequest(f"The body is not valid JSON: {error}.") from error
    except RecursionError:
        raise InvalidRequest("The body is nested too deeply.") from None


def refresh_request(request: HttpRequest) -> tuple[list[str], list[Section]]:
    """(locales, sections) from the optional JSON body of a cache refresh."""
    body = json_body(request)
    if not isinstance(body, dict) or set(body) - {"locales", "sections"}:
        raise InvalidRequest('Send a JSON object with optional "locales" and "sections" lists.')
    locales, sections = body.get("locales"), body.get("sections")
    for name, value in (("locales", locales), ("sections", sections)):
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise InvalidRequest(f'"{name}" must be a list of strings.')
    codes = supported_locales() if not locales else list(dict.fromkeys(map(parse_locale, locales)))
    return codes, parse_sections(sections)
