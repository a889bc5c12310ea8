"""Whole /api/website-data/ responses for the demo site, compared with reviewed files.

The expected files are the contract with the frontends: a change to them is reviewed like
code. Regenerate after an intended change with UPDATE_CONTRACTS=1 make test, then read the
diff. Database ids, the content version and the timestamp vary between runs and are masked.
"""

import json
import os
from pathlib import Path

import pytest

from cms.delivery.sections import SECTIONS

pytestmark = pytest.mark.django_db
CONTRACTS = Path(__file__).with_name("contracts")


def masked(value):
    if isinstance(value, dict):
        return {
            key: "<id>"
            if key in ("id",)
            else "<masked>"
            if key in ("version", "timestamp")
            else masked(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_demo_payload_matches_the_reviewed_contract(client, demo, locale):
    response = client.get(f"/api/website-data/?locale={locale}")
    assert response.status_code == 200
    actual = masked(response.json())
    path = CONTRACTS / f"website_data_{locale}.json"
    if os.environ.get("UPDATE_CONTRACTS"):
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n")
    expected = json.loads(path.read_text())
    assert actual == expected


def _without_meta(item):
    return {name: value for name, value in item.items() if name != "meta"}


def _every_item(items):
    for item in items:
        yield item
        yield from item.get("children") or []


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_api_v2_serves_every_item_exactly_as_website_data_does(client, demo, locale):
    """One serialisation: each section's v2 endpoint, listing and detail, equals the payload."""
    data = client.get(f"/api/website-data/?locale={locale}").json()["data"]
    compared = 0
    for section in SECTIONS:
        if not section.api_endpoint:
            continue
        served = data[section.field]
        expected = served if isinstance(served, list) else [served] if served else []
        path = f"/api/v2/{section.api_endpoint}/"
        listing = client.get(f"{path}?locale={locale}&limit=100").json()
        assert [_without_meta(item) for item in listing["items"]] == expected
        assert listing["meta"]["total_count"] == len(expected)
        for item in _every_item(expected):
            detail = client.get(f"{path}{item['id']}/?locale={locale}").json()
            assert _without_meta(detail) == item
            compared += 1
    # The demo has an announcement, 11 menu items, 3 heroes, 6 partners and 8 footer links.
    assert compared == 1 + 11 + 3 + 6 + 8
