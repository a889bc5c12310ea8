"""CDNs keep every spelling of a URL a reader sends (`?sections=menu,heroes`,
`?sections=heroes,menu`, `/api/v2/heroes/7/`, `?limit=1`), so no cache is purged by a list of
URLs: tag-purged ones (Cloudflare, Fastly, Varnish) by a tag every such response carries,
CloudFront by one path pattern per endpoint (cms.delivery.shared_caches). Varnish itself:
tests/stack/test_edge_caches.py."""

import http.server
import json
import threading

import pytest

from cms.delivery import shared_caches
from cms.delivery.keys import purge_tags
from cms.delivery.models import PendingEdgePurge
from cms.delivery.sections import find
from sitecontent.models import Hero
from tests.factories import publish

pytestmark = pytest.mark.django_db

# URLs that show the English heroes, as readers spell them.
SPELLINGS_OF_ENGLISH_HEROES = [
    "/api/website-data/",
    "/api/website-data/?locale=en",
    "/api/website-data/?sections=heroes",
    "/api/website-data/?locale=en&sections=heroes",
    "/api/website-data/?locale=en&sections=menu,heroes",
    "/api/website-data/?sections=heroes,seo&locale=en",
    "/api/v2/heroes/",
    "/api/v2/heroes/?locale=en",
    "/api/v2/heroes/?limit=1&locale=en",
    "/api/v2/heroes/?locale=en&offset=1",
    "/api/v2/heroes/{id}/?locale=en",
]


def spellings():
    hero = Hero.objects.get(locale__language_code="en", title="Clean power")
    return [path.format(id=hero.pk) for path in SPELLINGS_OF_ENGLISH_HEROES]


def kept():
    return sorted(PendingEdgePurge.objects.values_list("cache", "item"))


def test_every_spelling_of_a_changed_section_carries_the_tag_its_change_purges(client, site):
    """What a tag-purged CDN relies on: however a reader spells the URL, the response names the
    tag that a change to its sections purges."""
    (purged,) = purge_tags({("en", find("heroes"))})
    for path in spellings():
        response = client.get(path)
        assert response.status_code == 200, path
        assert purged in response["Cache-Tag"].split(","), path
        assert purged in response["Surrogate-Key"].split(), path


def test_cloudfront_is_given_one_pattern_per_endpoint_that_every_spelling_matches(site):
    """CloudFront takes `*` at the end of an invalidation path as any suffix, query included."""
    cache = shared_caches.FrontendCache("https://cms.example")
    urls = cache.items({("en", find("heroes"))})
    patterns = [url.removeprefix("https://cms.example") for url in urls]
    assert patterns == ["/api/v2/heroes/*", "/api/website-data/*"]

    def invalidated(path):
        return any(path.startswith(pattern.removesuffix("*")) for pattern in patterns)

    assert all(invalidated(path) for path in spellings())
    assert not invalidated("/api/v2/partners/?locale=en")  # not shown by the change: kept


def test_a_frontend_cache_backend_that_purges_exact_urls_is_refused(settings):
    """Wagtail's Cloudflare or HTTP backend would be given URLs, and readers' other spellings
    would stay cached: the system check says so, and what to use instead."""
    settings.WAGTAILFRONTENDCACHE = {
        "cloudflare": {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend"},
        "cloudfront": {"BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend"},
    }
    errors = shared_caches.check_frontend_cache_backends()
    assert [(error.id, "'cloudflare'" in error.msg) for error in errors] == [("cms.E010", True)]
    assert "CMS_CLOUDFLARE_ZONE_ID" in errors[0].hint


class CloudflareAPI(http.server.BaseHTTPRequestHandler):
    """Cloudflare's purge endpoint as the purge meets it: each request recorded, answered as
    told (Cloudflare itself cannot be reached from here)."""

    received: list[tuple[str, dict[str, str], dict]] = []
    answer: dict = {}

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, dict(self.headers), body))
        data = json.dumps(self.answer).encode()
        self.send_response(200 if self.answer["success"] else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def cloudflare(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CloudflareAPI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    CloudflareAPI.received = []
    CloudflareAPI.answer = {"success": True, "errors": [], "result": {"id": "purge"}}
    settings.CMS_EDGE_CACHES = [
        {
            "BACKEND": "cms.delivery.shared_caches.CloudflareCache",
            "ZONE_ID": "zone1",
            "API_TOKEN": "secret-token",
            "API_URL": f"http://127.0.0.1:{server.server_port}/client/v4",
        }
    ]
    settings.CMS_EDGE_SETTLE_MS = 1
    yield CloudflareAPI
    server.shutdown()


def test_a_publish_purges_cloudflare_by_the_tags_of_what_changed(
    site, cloudflare, django_capture_on_commit_callbacks
):
    hero = Hero.objects.get(locale__language_code="ar", title="طاقة نظيفة")
    hero.title = "طاقة أنظف"
    with django_capture_on_commit_callbacks(execute=True):
        publish(hero)
    [(path, headers, body)] = cloudflare.received
    assert path == "/client/v4/zones/zone1/purge_cache"
    assert headers["Authorization"] == "Bearer secret-token"
    assert body == {"tags": ["cms-ar-heroes"]}
    assert kept() == []


def test_a_purge_cloudflare_refuses_is_kept_to_retry(site, cloudflare):
    cloudflare.answer = {"success": False, "errors": [{"code": 1134, "message": "rate limited"}]}
    [outcome] = shared_caches.purge({("en", find("heroes")), ("en", find("menu"))})
    assert not outcome.ok
    assert "rate limited" in outcome.error
    zone = "cloudflare zone zone1"
    assert kept() == [(zone, "cms-en-heroes"), (zone, "cms-en-menu")]


def test_tags_go_to_cloudflare_a_hundred_at_a_time(cloudflare):
    cache = shared_caches.CloudflareCache(
        "zone1", "t", shared_caches.configured()[0].url.split("/zones/")[0]
    )
    cache.purge([f"tag-{n}" for n in range(250)])
    assert [len(body["tags"]) for _, _, body in cloudflare.received] == [100, 100, 50]
