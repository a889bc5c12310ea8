"""The JSON envelope every /api/ response uses:
{"status": "success" | "error", "data": …, "message": "…", "timestamp": "<ISO 8601 UTC>"}."""

from datetime import UTC, datetime

from django.http import JsonResponse
from django.views.decorators.cache import add_never_cache_headers
from django_guid import get_guid


def now_iso():
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def envelope(data, message, status="success"):
    return {"status": status, "data": data, "message": message, "timestamp": now_iso()}


def success_response(data, message, status=200):
    response = JsonResponse(envelope(data, message), status=status)
    add_never_cache_headers(response)
    return response


def error_envelope(message):
    """An error in the envelope, with the request id that the logs of this request carry."""
    return envelope(None, message, status="error") | {"request_id": get_guid()}


def error_response(status, message, headers=None):
    response = JsonResponse(error_envelope(message), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    add_never_cache_headers(response)
    return response
