"""The OpenAPI document of the project's endpoints: written by hand in openapi.json (each
section's schema is part of its contract with the frontends), with every list of sections
filled in from the section registry, so the document names exactly the sections there are."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from cms.delivery.sections import SECTIONS

SOURCE = Path(__file__).with_name("openapi.json")


def section_names() -> list[str]:
    """What ?sections= and the refresh API accept: payload names, then cache names."""
    fields = [section.field for section in SECTIONS]
    return fields + [section.key for section in SECTIONS if section.key not in fields]


@cache
def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SOURCE.read_text())
    fields = ", ".join(section.field for section in SECTIONS)
    website_data = document["paths"]["/api/website-data/"]["get"]
    for parameter in website_data["parameters"]:
        if parameter["name"] == "sections":
            parameter["description"] = f"Comma-separated subset of: {fields}."
    refresh = document["paths"]["/api/update-redis/"]["post"]["requestBody"]
    body = refresh["content"]["application/json"]["schema"]
    body["properties"]["sections"]["items"]["enum"] = section_names()
    info = document["components"]["schemas"]["Info"]
    info["properties"]["sections"]["items"] = {
        "type": "string",
        "enum": [section.field for section in SECTIONS],
    }
    return document
