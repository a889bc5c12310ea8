"""The hand-written half of the OpenAPI document (openapi.json): each payload section's item
schema is its contract with the frontends, so what the API can select from an item (Wagtail's
`fields=`) and what the document says it serves are read from the same declaration."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from cms.delivery.sections import Section

SOURCE = Path(__file__).with_name("openapi.json")


@cache
def written_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SOURCE.read_text())
    return document


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """The object schema a value has, through `$ref`, a nullable `anyOf` and an array's items;
    {} for a scalar."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return resolved(written_document()["components"]["schemas"][name])
    if "anyOf" in schema:
        objects = [resolved(option) for option in schema["anyOf"]]
        return next((option for option in objects if option), {})
    if schema.get("type") == "array":
        return resolved(schema.get("items", {}))
    return schema if "properties" in schema else {}


def item_schema_name(section: Section) -> str:
    """The name among the document's components of one item of a section as
    /api/website-data/ serves it, e.g. Hero for heroes."""
    field = written_document()["components"]["schemas"]["WebsiteData"]["properties"]
    reference = field[section.field]
    reference = reference.get("items", reference)
    if "anyOf" in reference:
        reference = next(option for option in reference["anyOf"] if "$ref" in option)
    return str(reference["$ref"].rsplit("/", 1)[-1])


def item_schema(section: Section) -> dict[str, Any]:
    """That item's schema (read only: it is the document's own)."""
    schemas: dict[str, dict[str, Any]] = written_document()["components"]["schemas"]
    return schemas[item_schema_name(section)]
