"""POST /api/update-redis/, the admin's "Refresh website cache", and the cache commands."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cms.cache.engine import payload_cache
from cms.delivery.keys import WHOLE, cache_key
from cms.delivery.sections import SECTIONS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-refresh-token-for-tests"


@pytest.fixture(autouse=True)
def refresh_token(settings):
    settings.CMS_CACHE_REFRESH_TOKEN = TOKEN


def refresh(client, body=None, token=TOKEN, raw=None, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else (json.dumps(body) if body is not None else "")
    return client.post(
        "/api/update-redis/", data=data, content_type="application/json", headers=headers
    )


def cached(code, name):
    key = cache_key(code, name)
    return payload_cache.read_many([key])[key] is not None


def test_it_rebuilds_every_locale_and_section_and_reports_each_ttl(client, site):
    response = refresh(client)
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "success"
    refreshed = body["data"]["refreshed"]
    assert len(refreshed) == 2 * (len(SECTIONS) + 1)  # every section and the whole payload
    assert {(r["locale"], r["key"]) for r in refreshed} >= {
        ("ar", "menu_items"),
        ("en", WHOLE),
    }
    ttls = {(r["locale"], r["key"]): r["ttl"] for r in refreshed}
    assert 3590 < ttls[("ar", WHOLE)] <= 3600
    assert 1790 < ttls[("en", "heroes")] <= 1800
    assert all(cached(r["locale"], r["key"]) for r in refreshed)
    assert client.get("/api/website-data/?locale=ar")["X-Cache"] == "HIT"


def test_it_rebuilds_only_what_the_body_names(client, site):
    response = refresh(client, {"locales": ["ar"], "sections": ["menu_items"]})
    assert response.status_code == 200
    assert [(r["locale"], r["key"]) for r in response.json()["data"]["refreshed"]] == [
        ("ar", "menu_items"),
        ("ar", WHOLE),
    ]
    assert not cached("en", WHOLE)


def test_refreshing_replaces_stale_content(client, site):
    client.get("/api/website-data/?locale=en")
    # Changed behind the cache's back (no signal): only a refresh picks it up.
    type(site["hero"]).objects.filter(pk=site["hero"].pk).update(title="Changed in SQL")
    assert refresh(client, {"locales": ["en"]}).status_code == 200
    titles = [
        h["title"] for h in client.get("/api/website-data/?locale=en").json()["data"]["heroes"]
    ]
    assert "Changed in SQL" in titles


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
)
def test_no_or_a_wrong_token_is_a_401_with_the_same_body(client, site, headers):
    response = client.post("/api/update-redis/", headers=headers)
    body = response.json()
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="cms"'
    assert (body["status"], body["data"], body["message"]) == (
        "error",
        None,
        "Authentication required: send Authorization: Bearer <token>.",
    )
    assert not cached("en", WHOLE)


def test_without_a_configured_token_every_call_is_refused(client, site, settings):
    settings.CMS_CACHE_REFRESH_TOKEN = ""
    assert refresh(client, token="").status_code == 401
    assert refresh(client, token="anything").status_code == 401


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "not valid JSON"),
        ('["ar"]', "JSON object"),
        ('{"locale": ["ar"]}', "JSON object"),
        ('{"locales": "ar"}', '"locales" must be a list of strings'),
        ('{"sections": [1]}', '"sections" must be a list of strings'),
        ('{"locales": ["ar", "fr"]}', "Unsupported locale 'fr'"),
        ('{"sections": ["menu_items", "blog"]}', "Unknown section(s): 'blog'"),
    ],
)
def test_bad_input_is_a_400_and_refreshes_nothing(client, site, raw, message):
    response = refresh(client, raw=raw)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert not cached("ar", WHOLE) and not cached("ar", "menu_items")


def test_a_large_body_is_a_413(client, site):
    response = refresh(client, raw=json.dumps({"locales": ["ar"] * 5000}))
    assert response.status_code == 413
    assert response.json()["status"] == "error"


def test_other_methods_are_a_405(client, site):
    for method in (client.get, client.put, client.delete):
        response = method("/api/update-redis/", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 405
        assert response["Allow"] == "POST"
        assert response.json()["status"] == "error"


def test_a_failed_build_leaves_the_cache_as_it_was(client, site, monkeypatch):
    from cms.delivery import payload as website_data

    client.get("/api/website-data/?locale=en")
    before = payload_cache.read_many([cache_key("en", WHOLE)])

    def broken_build(locale_code, sections):
        if locale_code == "ar":
            raise RuntimeError("database went away mid-refresh")
        return real_build(locale_code, sections)

    real_build = website_data.build_fragments
    monkeypatch.setattr(website_data, "build_fragments", broken_build)
    client.raise_request_exception = False
    response = refresh(client)
    assert response.status_code == 500
    assert response.json()["status"] == "error"
    assert payload_cache.read_many([cache_key("en", WHOLE)]) == before


# The admin's action


def test_editors_refresh_the_cache_from_the_admin_with_a_confirmation(editor_client, site):
    page = editor_client.get(reverse("cms_refresh_cache"))
    assert page.status_code == 200
    assert "Refresh website cache" in page.text
    response = editor_client.post(reverse("cms_refresh_cache"), follow=True)
    assert response.status_code == 200
    rebuilt = 2 * (len(SECTIONS) + 1)
    assert f"The website cache was refreshed: {rebuilt} keys rebuilt for en, ar." in response.text
    assert cached("ar", WHOLE)


def test_the_admin_action_needs_its_own_permission(client, translator_client, site):
    assert translator_client.post(reverse("cms_refresh_cache")).status_code == 302
    assert not cached("en", WHOLE)
    menu = translator_client.get(reverse("wagtailadmin_home")).text
    assert "Refresh website cache" not in menu
    editor = UserFactory(groups=["Editors"])
    client.force_login(editor)
    assert "Refresh website cache" in client.get(reverse("wagtailadmin_home")).text


# Commands


def test_warm_cache_fills_and_purge_cache_empties(site):
    out = io.StringIO()
    call_command("warm_cache", "--locale", "ar", stdout=out)
    assert "cms:v4:ar:website_data: 3600 s" in out.getvalue()
    assert cached("ar", WHOLE) and cached("ar", "partners")
    call_command("purge_cache", "--section", "partners", stdout=io.StringIO())
    assert not cached("ar", "partners") and not cached("ar", WHOLE)
    assert cached("ar", "heroes")


def test_the_cache_commands_refuse_unknown_names(site):
    with pytest.raises(CommandError, match="Unsupported locale"):
        call_command("warm_cache", "--locale", "fr")
    with pytest.raises(CommandError, match="Unknown section"):
        call_command("purge_cache", "--section", "blog")


def test_a_publish_during_a_refresh_is_not_overwritten_by_it(
    client, site, monkeypatch, django_capture_on_commit_callbacks
):
    from cms.delivery import payload as website_data
    from tests.factories import publish

    real_build = website_data.build_fragments
    published = []

    def build_then_publish(locale_code, sections):
        fragments = real_build(locale_code, sections)  # the refresh read "Clean power"
        if not published:
            hero = site["hero"]
            hero.title = "Published mid-refresh"
            with django_capture_on_commit_callbacks(execute=True):
                publish(hero)
            published.append(hero)
        return fragments

    monkeypatch.setattr(website_data, "build_fragments", build_then_publish)
    assert refresh(client, {"locales": ["en"]}).status_code == 200
    monkeypatch.setattr(website_data, "build_fragments", real_build)

    titles = [
        h["title"] for h in client.get("/api/website-data/?locale=en").json()["data"]["heroes"]
    ]
    assert titles[0] == "Published mid-refresh"
