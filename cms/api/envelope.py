"""The JSON envelope every /api/ response uses, written once:
{"status": "success" | "error", "data": …, "message": "…", "timestamp": "<ISO 8601 UTC>"}, and
"request_id" on errors. nginx's own error bodies follow it too (checked by
tests/cms/test_envelope.py against compose/nginx)."""

from typing import Any

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django_guid import get_guid

from cms.delivery.build import dumps
from cms.delivery.payload import now_iso


def envelope(data: Any, message: str, status: str = "success") -> dict[str, Any]:
    return {"status": status, "data": data, "message": message, "timestamp": now_iso()}


def error_envelope(message: str) -> dict[str, Any]:
    """An error in the envelope, with the request id that the logs of this request carry."""
    return envelope(None, message, status="error") | {"request_id": get_guid()}


def envelope_around(data_json: bytes, message: str, timestamp: str) -> bytes:
    """The envelope around data that is JSON already (a cached payload), without parsing it:
    the same bytes for the same data and timestamp, as `envelope` would give (a test checks)."""
    return b"".join(
        (
            b'{"status":"success","data":',
            data_json,
            b',"message":',
            dumps(message),
            b',"timestamp":',
            dumps(timestamp),
            b"}",
        )
    )


def json_response(
    body: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Content-Length"] = str(len(body))  # public reads have no CommonMiddleware
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def success_response(data: Any, message: str, status: int = 200) -> HttpResponse:
    response = json_response(dumps(envelope(data, message)), status)
    add_never_cache_headers(response)
    return response


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = json_response(dumps(error_envelope(message)), status, headers)
    add_never_cache_headers(response)
    return response
