"""Whole /api/website-data/ responses for the demo site, compared with reviewed files.

The expected files are the contract with the frontends: a change to them is reviewed like
code. Regenerate after an intended change with UPDATE_CONTRACTS=1 make test, then read the
diff. Database ids, the content version and the timestamp vary between runs and are masked.
"""

import io
import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

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


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())


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
