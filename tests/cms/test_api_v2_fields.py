"""`?fields=` on the section endpoints, as Wagtail API v2 clients send it: `*`, `_`, a list,
`-name`, nested `image(url,alt)`, in both locales, on listings and details; an unknown field is
Wagtail's 400 in the API's envelope."""

import pytest

from .conftest import get_data

pytestmark = pytest.mark.django_db

LOCALES = ["en", "ar"]


def listing(client, query):
    response = client.get(f"/api/v2/heroes/{query}")
    assert response.status_code == 200, response.content
    return response.json()["items"]


def refused(client, path):
    response = client.get(path)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["data"]) == ("error", None)
    return body["message"]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_star_is_every_field_as_without_fields(client, site, locale):
    whole = listing(client, f"?locale={locale}")
    assert listing(client, f"?locale={locale}&fields=*") == whole
    assert set(whole[0]) == {"id", "meta", *get_data(client, f"?locale={locale}")["heroes"][0]}


@pytest.mark.parametrize("locale", LOCALES)
def test_an_underscore_starts_from_nothing(client, site, locale):
    assert listing(client, f"?locale={locale}&fields=_") == [{}, {}]
    titles = [hero["title"] for hero in get_data(client, f"?locale={locale}")["heroes"]]
    assert listing(client, f"?locale={locale}&fields=_,title") == [{"title": t} for t in titles]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_list_adds_fields_and_a_minus_removes_them(client, site, locale):
    whole = listing(client, f"?locale={locale}")
    chosen = listing(client, f"?locale={locale}&fields=_,id,title,locale")
    assert chosen == [
        {"id": hero["id"], "meta": {"locale": hero["meta"]["locale"]}, "title": hero["title"]}
        for hero in whole
    ]
    without = listing(client, f"?locale={locale}&fields=-image,-description,-detail_url")
    assert without == [
        {
            **{k: v for k, v in hero.items() if k not in ("image", "description", "meta")},
            "meta": {k: v for k, v in hero["meta"].items() if k != "detail_url"},
        }
        for hero in whole
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_nested_fields_choose_within_an_object_and_a_list_of_them(client, site, locale):
    whole = listing(client, f"?locale={locale}")
    heroes = listing(client, f"?locale={locale}&fields=_,image(url,alt,sources(type))")
    assert heroes == [
        {
            "image": {
                "url": hero["image"]["url"],
                "alt": hero["image"]["alt"],
                "sources": [{"type": source["type"]} for source in hero["image"]["sources"]],
            }
        }
        for hero in whole
    ]
    assert listing(client, f"?locale={locale}&fields=_,image(*)")[0] == {
        "image": whole[0]["image"]
    }
    menu = client.get(f"/api/v2/menu-items/?locale={locale}&fields=_,label,children(label)")
    labels = [
        {"label": item["label"], "children": [{"label": c["label"]} for c in item["children"]]}
        for item in get_data(client, f"?locale={locale}")["menu"]
    ]
    assert menu.json()["items"] == labels


@pytest.mark.parametrize("locale", LOCALES)
def test_a_detail_takes_fields_too(client, site, locale):
    hero = listing(client, f"?locale={locale}")[0]
    detail = client.get(f"/api/v2/heroes/{hero['id']}/?locale={locale}&fields=_,title,type")
    assert detail.json() == {"meta": {"type": "sitecontent.Hero"}, "title": hero["title"]}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("fields=nope", "unknown fields: nope"),
        ("fields=title,colour,-size", "unknown fields: colour, size"),
        ("fields=image(nope)", "unknown fields: nope"),
        ("fields=title(x)", "'title' does not support nested fields"),
        ("fields=title,,", "fields error: "),
        ("fields=image(url", "fields error: "),
    ],
)
@pytest.mark.parametrize("locale", LOCALES)
def test_a_field_the_item_does_not_have_is_wagtails_400_in_the_envelope(
    client, site, locale, query, message
):
    assert message in refused(client, f"/api/v2/heroes/?locale={locale}&{query}")
    hero = site["hero"].pk
    assert message in refused(client, f"/api/v2/heroes/{hero}/?locale=en&{query}")


def test_an_unknown_field_is_refused_even_where_no_item_would_show_it(client, site):
    assert "unknown fields: nope" in refused(client, "/api/v2/announcements/?fields=x(y),nope")


def test_fields_keep_the_endpoints_shared_cache_headers(client, site):
    whole = client.get("/api/v2/heroes/?locale=ar")
    chosen = client.get("/api/v2/heroes/?locale=ar&fields=_,title")
    assert chosen["Cache-Control"] == whole["Cache-Control"]
    assert chosen["Cache-Tag"] == whole["Cache-Tag"]


def test_fields_nested_as_deep_as_a_query_string_allows_are_a_400_not_a_500(client, site):
    deep = "a(" * 1015  # Wagtail's parser recurses once per parenthesis: 2,037 characters
    assert "fields error: nested too deeply" in refused(client, f"/api/v2/heroes/?fields={deep}")
