"""What responsive images save: the bytes Chromium downloads for the demo home page's images,
on a phone (390 px) and a desktop (1440 px), before (one JPEG or PNG per image, the
payload's `url`, as the reference page drew them before srcsets) and after (the reference
site's <picture> elements), side by side in one run. Prints the figures."""

import json
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.browser.test_reference_site import demo  # noqa: F401 (a fixture)
from tests.cms.conftest import get_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def image_bytes(browser, base_url, viewport, html=None):
    """Bytes of every image the page downloads once scrolled to the bottom: `html`, or the
    reference site at /en/. A new context each time: nothing comes from an earlier cache."""
    root = Path(settings.MEDIA_ROOT)
    downloaded = {}

    def serve(route):  # the payload's media URLs, served from MEDIA_ROOT as nginx would
        path = root / urlsplit(route.request.url).path.removeprefix(settings.MEDIA_URL)
        body = path.read_bytes()
        downloaded[route.request.url] = len(body)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(body=body, headers={"Content-Type": content_type})

    context = browser.new_context(viewport=viewport, base_url=base_url)
    context.route(f"{settings.WAGTAILADMIN_BASE_URL}{settings.MEDIA_URL}**", serve)
    page = context.new_page()
    if html is None:
        page.goto("/en/")
    else:
        page.set_content(html)
    for _ in range(10):  # lazy images load as they come into view
        page.mouse.wheel(0, 1000)
        page.wait_for_timeout(150)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(downloaded.values()), len(downloaded)


def before_srcsets(data):
    """The page's images as one file each: a hero's desktop JPEG, a logo's PNG."""
    urls = [hero["image"]["url"] for hero in data["heroes"] if hero["image"]]
    urls += [partner["logo"]["url"] for partner in data["partners"] if partner["logo"]]
    return "".join(f'<img src="{url}" alt="">' for url in urls)


def test_a_phone_downloads_at_least_half_fewer_image_bytes_than_before(
    browser,
    live_server,
    client,
    demo,  # noqa: F811
):
    before_html = before_srcsets(get_data(client, "?locale=en"))
    figures = {}
    for name, viewport in VIEWPORTS.items():
        before, before_files = image_bytes(browser, live_server.url, viewport, before_html)
        after, after_files = image_bytes(browser, live_server.url, viewport)
        figures[name] = {
            "viewport": viewport["width"],
            "before_bytes": before,
            "after_bytes": after,
            "files": [before_files, after_files],
            "saved": round(1 - after / before, 3),
        }
    print("FIGURES " + json.dumps(figures))

    assert figures["phone"]["files"][1] >= figures["phone"]["files"][0]  # every image loaded
    assert figures["phone"]["saved"] >= 0.5
    assert figures["desktop"]["after_bytes"] < figures["desktop"]["before_bytes"]
