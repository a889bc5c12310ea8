"""The caches in front of the API, for real: nginx from the repository's template (with
Debian's cache-purge module) in front of each of two app servers, and Varnish with xkey as a
CDN. They keep the website data, and every publish purges all of them before it returns."""

import json
import random
import re
import subprocess
import sys
import threading
import time

import psycopg2
import pytest

from cms.delivery import shared_caches
from cms.delivery.sections import find
from tests.cms.test_cdn_purges import SPELLINGS_OF_ENGLISH_HEROES
from tests.stack.clients import Publisher, Reader, first_hero
from tests.stack.conftest import ALLOWED_ORIGIN, ROOT, SERVER_NAME


@pytest.fixture(scope="module")
def publisher(stack):
    running = Publisher(stack.env)
    yield running
    running.close()


def test_nginx_keeps_the_website_data_and_answers_a_304_itself(stack):
    stack.curl("/api/website-data/?locale=ar")
    hit = stack.curl("/api/website-data/?locale=ar")
    assert hit.headers["x-edge-cache"] == "HIT"
    assert hit.json()["data"]["locale"] == "ar"
    again = stack.curl(
        "/api/website-data/?locale=ar", headers={"If-None-Match": hit.headers["etag"]}
    )
    assert again.status == 304
    assert again.headers["x-edge-cache"] == "HIT"
    assert again.body == b""


def test_what_nginx_serves_from_its_cache_carries_this_requests_id_and_each_header_once(stack):
    stack.curl("/api/website-data/?locale=en")
    first, second = (stack.curl("/api/website-data/?locale=en") for _ in range(2))
    assert first.headers["x-edge-cache"] == second.headers["x-edge-cache"] == "HIT"
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    names = [
        line.split(":", 1)[0].lower()
        for line in subprocess.run(
            [
                "curl",
                "--silent",
                "--insecure",
                "--dump-header",
                "-",
                "--output",
                "/dev/null",
                "--resolve",
                f"{SERVER_NAME}:{stack.https_port}:127.0.0.1",
                f"https://{SERVER_NAME}:{stack.https_port}/api/website-data/?locale=en",
            ],
            capture_output=True,
            text=True,
        ).stdout.splitlines()[1:]
        if ":" in line
    ]
    repeated = {name for name in names if names.count(name) > 1 and name != "vary"}
    assert repeated == set()


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_nginx_compresses_what_it_keeps(stack, encoding):
    stack.curl("/api/website-data/?locale=en")
    response = stack.curl(
        "/api/website-data/?locale=en",
        headers={"Accept-Encoding": encoding},
        args=("--output", "/dev/null"),
    )
    assert response.headers["content-encoding"] == encoding
    assert response.headers["x-edge-cache"] == "HIT"


@pytest.mark.parametrize(
    "query", ["?locale=AR-sa", "?locale=ar&sections=heroes,menu", "?locale=ar&utm=x", "?Locale=ar"]
)
def test_spellings_a_purge_cannot_name_are_never_kept(stack, query):
    for _ in range(2):
        response = stack.curl(f"/api/website-data/{query}")
    assert response.status in (200, 400)
    assert response.headers["x-edge-cache"] == "BYPASS"


def test_answers_carry_their_tags_and_a_long_shared_lifetime_but_none_for_browsers(stack):
    response = stack.curl("/api/website-data/?locale=ar&sections=heroes,menu")
    assert response.headers["surrogate-key"] == "cms cms-ar cms-ar-menu cms-ar-heroes"
    assert response.headers["cache-tag"] == "cms,cms-ar,cms-ar-menu,cms-ar-heroes"
    assert re.fullmatch(r"public, max-age=0, s-maxage=\d+", response.headers["cache-control"])


def cached_files(nginx):
    return sorted(path for path in nginx.cache_dir.rglob("*") if path.is_file())


def test_browsers_of_every_origin_share_the_one_copy_a_purge_removes(stack, publisher):
    """A browser's cross-origin fetch sends Origin: nginx keeps one copy of a locale's website
    data whatever Origin says (random ones neither add copies nor reach Django), answers CORS
    itself for the allowed origins, and a publish removes that copy for every origin."""
    path = "/api/website-data/?locale=ar"
    stack.curl(path)
    stack.curl(path)
    files = cached_files(stack.nginx[0])
    origins = [ALLOWED_ORIGIN, "https://other.example"]
    origins += [f"https://{n}.random.example" for n in range(20)]
    for origin in origins:
        response = stack.curl(path, headers={"Origin": origin})
        assert response.headers["x-edge-cache"] == "HIT", origin
        assert "Origin" in response.headers["vary"]
        allowed = response.headers.get("access-control-allow-origin")
        assert allowed == (origin if origin == ALLOWED_ORIGIN else None), origin
    assert cached_files(stack.nginx[0]) == files
    title = publisher.publish("ar")
    for origin in (ALLOWED_ORIGIN, "https://other.example", None):
        response = stack.curl(path, headers={"Origin": origin} if origin else {})
        assert first_hero(response) == title, origin


def test_a_preflight_reaches_django_with_its_origin(stack):
    response = stack.curl(
        "/api/website-data/?locale=ar",
        args=("--request", "OPTIONS"),
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-trace",
        },
    )
    assert response.status == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "GET" in response.headers["access-control-allow-methods"]


def test_an_operators_purge_cache_empties_nginx_too(stack):
    """As scripts/restore runs it: what nginx kept goes with what Redis held."""
    for _ in range(2):
        stack.curl("/api/website-data/?locale=ar")
    assert stack.curl("/api/website-data/?locale=ar").headers["x-edge-cache"] == "HIT"
    subprocess.run(
        [sys.executable, "manage.py", "purge_cache", "--locale", "ar"],
        cwd=ROOT,
        env=stack.env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert stack.curl("/api/website-data/?locale=ar").headers["x-edge-cache"] != "HIT"


def test_only_the_app_servers_may_purge_nginx(stack):
    purge = ["curl", "--silent", "--output", "/dev/null", "--write-out", "%{http_code}"]
    url = f"http://127.0.0.1:{stack.nginx[0].purge_port}/purge/website-data:ar"
    outsider = subprocess.run(
        [*purge, "--request", "PURGE", "--interface", "127.0.0.2", url],
        capture_output=True,
        text=True,
    )
    assert outsider.stdout == "403"
    assert stack.curl("/purge/website-data:ar").status == 404  # not on the public server


def varnish(stack, path):
    return stack.curl(path, scheme="http", port=stack.varnish_port)


def test_a_publish_reaches_both_nginx_instances_and_varnish_before_it_returns(stack, publisher):
    nginx_b = stack.nginx[1].https_port
    for _ in range(2):  # warm every layer
        stack.curl("/api/website-data/?locale=ar")
        stack.curl("/api/website-data/?locale=ar", port=nginx_b)
        varnish(stack, "/api/website-data/?locale=ar&sections=heroes")
    assert (
        stack.curl("/api/website-data/?locale=ar", port=nginx_b).headers["x-edge-cache"] == "HIT"
    )
    assert (
        varnish(stack, "/api/website-data/?locale=ar&sections=heroes").headers["x-varnish-cache"]
        == "HIT"
    )

    title = publisher.publish("ar")

    assert first_hero(stack.curl("/api/website-data/?locale=ar")) == title
    assert first_hero(stack.curl("/api/website-data/?locale=ar", port=nginx_b)) == title
    assert first_hero(varnish(stack, "/api/website-data/?locale=ar&sections=heroes")) == title


def test_varnish_forgets_every_response_showing_a_purged_tag(stack):
    """The backend itself, from this process, against the stack's Varnish."""
    wanted = "/api/website-data/?locale=en&sections=heroes,footer"
    for _ in range(2):
        varnish(stack, wanted)
    assert varnish(stack, wanted).headers["x-varnish-cache"] == "HIT"
    cache = shared_caches.SurrogateKeyCache(f"http://127.0.0.1:{stack.varnish_port}/")
    cache.purge(cache.items({("ar", find("heroes"))}))  # another locale: kept
    assert varnish(stack, wanted).headers["x-varnish-cache"] == "HIT"
    cache.purge(cache.items({("en", find("footer"))}))
    assert varnish(stack, wanted).headers["x-varnish-cache"] == "MISS"


def test_a_publishs_tags_reach_every_spelling_a_cdn_keeps(stack):
    """Varnish, as Cloudflare or Fastly would, keeps each spelling of a URL readers send (both
    orders of `?sections=`, `?limit=`, API v2 details): one tag purge forgets every one."""
    hero = stack.curl("/api/v2/heroes/?locale=en").json()["items"][0]["id"]
    paths = [path.format(id=hero) for path in SPELLINGS_OF_ENGLISH_HEROES]
    for _ in range(2):
        for path in paths:
            assert varnish(stack, path).status == 200, path
    assert {
        path: varnish(stack, path).headers["x-varnish-cache"] for path in paths
    } == dict.fromkeys(paths, "HIT")
    cache = shared_caches.SurrogateKeyCache(f"http://127.0.0.1:{stack.varnish_port}/")
    cache.purge(cache.items({("en", find("heroes"))}))
    assert {
        path: varnish(stack, path).headers["x-varnish-cache"] for path in paths
    } == dict.fromkeys(paths, "MISS")


def pending_edge_purges(stack):
    with psycopg2.connect(stack.database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT cache, item FROM cms_pendingedgepurge")
        return cursor.fetchall()


def test_a_purge_that_cannot_reach_an_instance_is_kept_and_retried(stack, publisher):
    nginx_b = stack.nginx[1]
    for _ in range(2):
        stack.curl("/api/website-data/?locale=en", port=nginx_b.https_port)
    nginx_b.stop()
    try:
        started = time.monotonic()
        title = publisher.publish("en")
        assert time.monotonic() - started < 5  # the publish stands, and does not hang
        kept = pending_edge_purges(stack)
        assert (f"nginx http://127.0.0.1:{nginx_b.purge_port}", "website-data:en") in kept
    finally:
        nginx_b.start()  # with its cache on disk as it was: the old English payload

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = stack.curl("/api/website-data/?locale=en", port=nginx_b.https_port)
        if first_hero(response) == title:
            break
        time.sleep(0.2)
    assert first_hero(response) == title
    assert pending_edge_purges(stack) == []
    assert first_hero(stack.curl("/api/website-data/?locale=en")) == title


def test_no_read_that_starts_after_a_publish_returned_is_stale_through_any_layer(stack, publisher):
    """The freshness figure: 24 publishes, 22 readers through nginx A, nginx B and Varnish,
    both locales, several spellings, and browsers' reads with an Origin (allowed or not)
    through both nginx. Prints what it saw."""
    nginx_a, nginx_b = (nginx.https_port for nginx in stack.nginx)
    layers = [("nginx A", nginx_a, True), ("nginx B", nginx_b, True)]
    layers.append(("varnish", stack.varnish_port, False))
    paths = [
        ("/api/website-data/?locale=ar", "ar"),
        ("/api/website-data/?locale=en", "en"),
        ("/api/website-data/", "en"),
        ("/api/website-data/?locale=AR-sa", "ar"),
        ("/api/website-data/?locale=ar&sections=heroes,menu", "ar"),
        ("/api/website-data/?sections=heroes&locale=en", "en"),
    ]
    readers = [
        Reader(f"{layer} {path}", port, tls, path, locale)
        for layer, port, tls in layers
        for path, locale in paths
    ]
    readers += [
        Reader(f"{layer} Origin {origin} {path}", port, True, path, locale, {"Origin": origin})
        for (layer, port, _), origin, (path, locale) in (
            (layers[0], ALLOWED_ORIGIN, paths[0]),
            (layers[0], "https://other.example", paths[1]),
            (layers[1], ALLOWED_ORIGIN, paths[1]),
            (layers[1], "https://other.example", paths[0]),
        )
    ]
    # Number the titles from here: every reader's "latest" starts with this publish.
    published = {
        code: [(time.monotonic(), publisher.publish(code, "Fresh 0"))] for code in ("en", "ar")
    }
    published = {code: [(time.monotonic(), 0)] for code in published}
    stop = threading.Event()
    threads = [threading.Thread(target=reader.run, args=(stop,)) for reader in readers]
    for thread in threads:
        thread.start()
    try:
        for number in range(1, 25):
            time.sleep(random.uniform(0.05, 0.3))
            code = ("en", "ar")[number % 2]
            publisher.publish(code, f"Fresh {number}")
            published[code].append((time.monotonic(), number))
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    stale, figures = [], {}
    for reader in readers:
        history = published[reader.locale]
        for began, number in reader.reads:
            latest = max(n for returned, n in history if returned < began)
            if number < latest:
                stale.append((reader.name, began, number, latest))
        figures[reader.name] = {"reads": len(reader.reads), "cache_hits": reader.hits}
    print(json.dumps({"publishes": 24, "readers": len(readers), "stale": len(stale)}))
    print(json.dumps(figures, indent=1))
    assert stale == []
    assert [reader.errors for reader in readers if reader.errors] == []
    for reader in readers:
        assert len(reader.reads) >= 24, reader.name
    for layer, _, _ in layers:  # the caches did keep the payload between publishes
        assert sum(r.hits for r in readers if r.name.startswith(layer)) > 24, layer
