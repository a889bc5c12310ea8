"""A property-based fuzzer (schemathesis) against the real gunicorn of the stack: every
operation of the OpenAPI document (the project's endpoints and Wagtail API v2), with values the
document allows and values it does not, must answer a 2xx, 3xx or 4xx in the JSON envelope, or
a 503 with Retry-After: never a 500, never HTML.

CMS_FUZZ_EXAMPLES sets the examples per operation (a few in CI; `make fuzz` runs thousands
and prints how many requests were answered)."""

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.stack.conftest import SERVER_NAME

EXAMPLES = int(os.environ.get("CMS_FUZZ_EXAMPLES", "15"))
ANSWERED: Counter[str] = Counter()


# What nginx adds in production: the host, and that the request came over HTTPS.
HEADERS = {"Host": SERVER_NAME, "X-Forwarded-Proto": "https"}


def operations():
    from cms.api.openapi import openapi_document

    schema = schemathesis.openapi.from_dict(openapi_document())
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_gets_a_server_error_or_html(stack, mode):
    base_url = f"http://127.0.0.1:{stack.app_port}"
    for operation in operations():

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            response = case.call(
                base_url=base_url, headers={**HEADERS, **(case.headers or {})}, timeout=10
            )
            ANSWERED[str(response.status_code)] += 1
            where = f"{case.method} {case.formatted_path} {case.query}: {response.status_code}"
            assert response.status_code < 500 or (
                response.status_code == 503 and "retry-after" in response.headers
            ), where
            if response.status_code >= 400:
                content_type = response.headers.get("content-type", [""])[0]
                assert content_type.startswith("application/json"), f"{where} {content_type!r}"
                assert response.json()["status"] == "error", where

        try:
            check()
        except Unsatisfiable:  # nothing of this operation can be made invalid
            continue


def test_the_fuzzer_reached_the_server(stack):
    """Runs after the fuzzing above (file order): prints what was answered."""
    total = sum(ANSWERED.values())
    print(f"\nfuzzed requests: {total}, by status: {dict(sorted(ANSWERED.items()))}")
    assert total > 0
    assert not any(code.startswith("5") and code != "503" for code in ANSWERED)
