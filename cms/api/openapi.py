"""The OpenAPI document of the API: written by hand in openapi.json for the project's own
endpoints and the webhooks it sends (each section's schema is part of its contract with the
frontends), with what the code decides filled in here: the section names (from the section
registry), the locales accepted (from the settings), and Wagtail API v2's endpoints (from the
router). The document says exactly what the server accepts; the fuzzer
(tests/stack/test_fuzz.py) holds it to that."""

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from cms.delivery.locales import supported_locales
from cms.delivery.sections import SECTIONS

from .guard import MAX_QUERY_LENGTH
from .v2 import ENDPOINTS, MAX_LIMIT

SOURCE = Path(__file__).with_name("openapi.json")
ERROR = {"$ref": "#/components/schemas/Error"}


def section_names() -> list[str]:
    """What ?sections= and the refresh API accept: payload names, then cache names."""
    fields = [section.field for section in SECTIONS]
    return fields + [section.key for section in SECTIONS if section.key not in fields]


def locale_schema() -> dict[str, Any]:
    """`ar`, `AR`, `ar-SA`, `ar_SA`: a supported language, any case, any region."""
    either_case = "|".join(
        "".join(f"[{c.lower()}{c.upper()}]" for c in code) for code in supported_locales()
    )
    return {"type": "string", "pattern": f"^\\s*({either_case})([-_][^\\s]*)?\\s*$"}


def _error(description: str, retry: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": ERROR}},
    }
    if retry:
        response["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
    return response


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def v2_paths() -> dict[str, Any]:
    """Wagtail API v2, as this project serves it: listings and details per endpoint."""
    errors = {
        "400": _error("A parameter the endpoint does not accept, or a value it refuses"),
        "404": _error("No such item"),
        "414": _error(f"The query string is longer than {MAX_QUERY_LENGTH} characters"),
        "503": _error("The database is down", retry=True),
    }
    listing_parameters = [
        _query("locale", locale_schema(), "The locale; the default locale without it."),
        _query("limit", {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT}, "Page size."),
        _query("offset", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}, "Skip."),
    ]
    ok = {
        "description": "Wagtail's v2 shape: meta and items (listing), or one item",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    # Wagtail's own endpoints: pages by the exact locale code, images and documents by none.
    exact_locale = _query("locale", {"type": "string", "enum": supported_locales()}, "Locale.")
    own = {"pages": [exact_locale, *listing_parameters[1:]], "images": listing_parameters[1:]}
    own["documents"] = own["images"]
    paths: dict[str, Any] = {}
    for name in ENDPOINTS:
        parameters = own.get(name, listing_parameters)
        paths[f"/api/v2/{name}/"] = {
            "get": {
                "summary": f"Wagtail API v2: {name}",
                "operationId": f"v2_{name.replace('-', '_')}_listing",
                "parameters": copy.deepcopy(parameters),
                "responses": {"200": ok, **errors},
            }
        }
        paths[f"/api/v2/{name}/{{id}}/"] = {
            "get": {
                "summary": f"Wagtail API v2: one of {name}",
                "operationId": f"v2_{name.replace('-', '_')}_detail",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    },
                    *copy.deepcopy([p for p in parameters if p["name"] == "locale"]),
                ],
                "responses": {"200": ok, **errors},
            }
        }
    return paths


@cache
def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SOURCE.read_text())
    fields = ", ".join(section.field for section in SECTIONS)
    for path in document["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "locale":
                    parameter["schema"] = locale_schema()
                if parameter["name"] == "sections":
                    parameter["description"] = f"Comma-separated subset of: {fields}."
    refresh = document["paths"]["/api/update-redis/"]["post"]["requestBody"]
    body = refresh["content"]["application/json"]["schema"]["properties"]
    body["sections"] = {
        "type": ["array", "null"],
        "items": {"type": "string", "enum": section_names()},
        "description": "Empty or null: every section.",
    }
    body["locales"] = {
        "type": ["array", "null"],
        "items": locale_schema(),
        "description": "Empty or null: every locale.",
    }
    schemas = document["components"]["schemas"]
    # Payload fields, as the API info, receipts and webhooks name the sections.
    for schema in (schemas["Info"], schemas["PublishReceipt"], schemas["ContentChange"]):
        schema["properties"]["sections"]["items"] = {
            "type": "string",
            "enum": [section.field for section in SECTIONS],
        }
    document["paths"].update(v2_paths())
    return document
