"""One JSON envelope for every /api/ response, nginx's own error bodies included."""

import json
import re
from pathlib import Path

from cms.api.envelope import envelope, envelope_around, error_envelope
from cms.delivery.build import dumps

NGINX_TEMPLATE = Path(__file__).parents[2] / "compose/prod/nginx/cms.conf.template"


def nginx_json_bodies():
    """The JSON bodies nginx returns itself, with its variables filled in."""
    bodies = re.findall(r"return \d{3} '(\{.*?\})';", NGINX_TEMPLATE.read_text())
    return [
        json.loads(
            body.replace("$request_id", "abc").replace("$time_iso8601", "2026-11-27T00:00:00Z")
        )
        for body in bodies
    ]


def test_nginx_answers_its_own_errors_in_the_same_envelope():
    bodies = nginx_json_bodies()
    assert len(bodies) == 4  # 414, 413, 429, 503
    for body in bodies:
        assert list(body) == list(error_envelope("message"))
        assert (body["status"], body["data"]) == ("error", None)


def test_cached_data_is_wrapped_in_the_very_same_envelope():
    data = {"locale": "ar", "menu": [{"label": "من نحن"}]}
    wrapped = envelope_around(dumps(data), "Website data.", "2026-11-27T00:00:00Z")
    expected = envelope(data, "Website data.") | {"timestamp": "2026-11-27T00:00:00Z"}
    assert json.loads(wrapped) == expected
    assert list(json.loads(wrapped)) == list(expected)
    assert wrapped == dumps(expected)  # byte for byte
