"""The OpenAPI document of the API: written by hand in openapi.json for the project's own
endpoints and the webhooks it sends (each section's schema is part of its contract with the
frontends), with what the code decides filled in here: the section names (from the section
registry), the locales accepted (from the settings), and Wagtail API v2's endpoints (from the
router). The document says exactly what the server accepts; the fuzzer
(tests/stack/test_fuzz.py) holds it to that."""

import copy
from functools import cache
from typing import Any

from cms.delivery.locales import supported_locales
from cms.delivery.sections import SECTIONS

from .guard import MAX_QUERY_LENGTH
from .schemas import item_schema_name, written_document
from .v2 import ENDPOINTS, MAX_LIMIT

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


def _sections_by_endpoint() -> dict[str, Any]:
    return {name: getattr(ENDPOINTS[name], "section", None) for name in ENDPOINTS}


def v2_schemas() -> dict[str, Any]:
    """Per section endpoint, its item (`V2Hero`: the payload's item and Wagtail's `meta`, with
    no field required, since `?fields=` may leave any out) and its listing (`V2HeroListing`)."""
    schemas: dict[str, Any] = {
        "V2ItemMeta": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "type": {"type": "string", "description": "app_label.Model"},
                "detail_url": {"type": "string", "format": "uri"},
                "locale": {
                    "type": "string",
                    "enum": supported_locales(),
                    "description": "The item's own locale: the fallback's, for a fallback.",
                },
            },
        }
    }
    for section in filter(None, _sections_by_endpoint().values()):
        name = item_schema_name(section)
        payload_item = written_document()["components"]["schemas"][name]
        schemas[f"V2{name}"] = {
            "type": "object",
            "description": f"One of {section.api_endpoint}: what ?fields= chose of a {name}.",
            "additionalProperties": False,
            "properties": {
                "id": {"type": "integer"},
                "meta": {"$ref": "#/components/schemas/V2ItemMeta"},
                **_chosen_fields(payload_item, schemas)["properties"],
            },
        }
        schemas[f"V2{name}Listing"] = {
            "type": "object",
            "additionalProperties": False,
            "required": ["meta", "items"],
            "properties": {
                "meta": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["total_count"],
                    "properties": {"total_count": {"type": "integer", "minimum": 0}},
                },
                "items": {"type": "array", "items": {"$ref": f"#/components/schemas/V2{name}"}},
            },
        }
    return schemas


def _chosen_fields(schema: Any, v2_schemas: dict[str, Any]) -> Any:
    """The schema with no field required, nested objects' included (as their own `V2<Name>`
    components): `?fields=` may leave out any field at any depth."""
    if isinstance(schema, list):
        return [_chosen_fields(each, v2_schemas) for each in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if f"V2{name}" not in v2_schemas:
            v2_schemas[f"V2{name}"] = {}  # taken, before a nested reference to it comes up
            component = written_document()["components"]["schemas"][name]
            v2_schemas[f"V2{name}"] = _chosen_fields(component, v2_schemas)
        return {**schema, "$ref": f"#/components/schemas/V2{name}"}
    return {
        key: _chosen_fields(value, v2_schemas)
        for key, value in schema.items()
        if not (key == "required" and "properties" in schema)
    }


def _ok(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def v2_paths() -> dict[str, Any]:
    """Wagtail API v2, as this project serves it: listings and details per endpoint."""
    errors = {
        "400": _error("A parameter the endpoint does not accept, or a value it refuses"),
        "404": _error("No such item"),
        "414": _error(f"The query string is longer than {MAX_QUERY_LENGTH} characters"),
        "503": _error("The database is down", retry=True),
    }
    locale = _query("locale", locale_schema(), "The locale; the default locale without it.")
    fields = _query(
        "fields",
        {"type": "string"},
        "Wagtail's syntax: `*` all, `_` none, `title,image` these, `-description` not this, "
        "`image(url,alt)` part of a nested object. Default: every field. Unknown: 400.",
    )
    paging = [
        _query("limit", {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT}, "Page size."),
        _query("offset", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}, "Skip."),
    ]
    # Wagtail's own endpoints: pages by the exact locale code, images and documents by none.
    exact_locale = _query("locale", {"type": "string", "enum": supported_locales()}, "Locale.")
    wagtails = _ok({"type": "object"}, "Wagtail's v2 shape: meta and items, or one item")
    paths: dict[str, Any] = {}
    for name, section in _sections_by_endpoint().items():
        if section:
            item = f"#/components/schemas/V2{item_schema_name(section)}"
            listing = [locale, fields, *paging]
            ok_listing = _ok({"$ref": f"{item}Listing"}, "The section's items (meta, items)")
            ok_detail = _ok({"$ref": item}, "One item")
        else:
            listing = [exact_locale, *paging] if name == "pages" else paging
            ok_listing = ok_detail = wagtails
        operation = name.replace("-", "_")
        paths[f"/api/v2/{name}/"] = {
            "get": {
                "summary": f"Wagtail API v2: {name}",
                "operationId": f"v2_{operation}_listing",
                "parameters": copy.deepcopy(listing),
                "responses": {"200": ok_listing, **errors},
            }
        }
        paths[f"/api/v2/{name}/{{id}}/"] = {
            "get": {
                "summary": f"Wagtail API v2: one of {name}",
                "operationId": f"v2_{operation}_detail",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    },
                    *copy.deepcopy([p for p in listing if p["name"] in ("locale", "fields")]),
                ],
                "responses": {"200": ok_detail, **errors},
            }
        }
    return paths


@cache
def openapi_document() -> dict[str, Any]:
    document = copy.deepcopy(written_document())
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
    # A release's event is a content change that names its releases: a schema of its own, so
    # that typed clients know `releases` is there (an allOf of a $ref and a bare `required`
    # is lost on them).
    change = schemas["ContentChange"]
    schemas["ReleaseChange"] = {
        **copy.deepcopy(change),
        "description": "What a release changed in one locale, and the releases it was.",
        "required": [*change["required"], "releases"],
    }
    schemas.update(v2_schemas())
    document["paths"].update(v2_paths())
    return document
