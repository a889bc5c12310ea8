"""The OpenAPI document is valid, served, and real responses match it."""

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from cms.api.openapi import openapi_document
from cms.delivery.sections import SECTIONS

pytestmark = pytest.mark.django_db
DOCUMENT = openapi_document()
TOKEN = "openapi-test-token"


def assert_matches_document(response, path, method="get"):
    documented = DOCUMENT["paths"][path][method]["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": DOCUMENT["components"]})
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_document_is_valid_openapi_3_1():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"] == "3.1.0"


def test_the_document_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.json() == DOCUMENT


@pytest.mark.parametrize("query", ["?locale=en", "?locale=ar", "?locale=ar&sections=menu,seo"])
def test_website_data_responses_match(client, site, query):
    assert_matches_document(client.get(f"/api/website-data/{query}"), "/api/website-data/")


def test_website_data_errors_match(client, site):
    assert_matches_document(client.get("/api/website-data/?locale=fr"), "/api/website-data/")
    assert_matches_document(client.post("/api/website-data/"), "/api/website-data/")


def test_website_data_previews_match(client, site):
    from cms.editorial.preview import issue_token

    token = issue_token(site["hero"]).token
    for query in (f"?preview={token}", f"?preview={token}&locale=ar", "?preview=forged"):
        assert_matches_document(client.get(f"/api/website-data/{query}"), "/api/website-data/")
    site["hero"].delete()
    response = client.get(f"/api/website-data/?preview={token}")
    assert response.status_code == 404
    assert_matches_document(response, "/api/website-data/")


def test_update_redis_responses_match(client, site, settings):
    settings.CMS_CACHE_REFRESH_TOKEN = TOKEN
    auth = {"Authorization": f"Bearer {TOKEN}"}
    path = "/api/update-redis/"
    for response in (
        client.post(path, headers=auth),
        client.post(path, "{", content_type="application/json", headers=auth),
        client.post(path),
        client.get(path, headers=auth),
        client.post(path, "x" * 20000, content_type="application/json", headers=auth),
    ):
        # Every status, the 405 to a GET included, is documented under the POST operation.
        assert_matches_document(response, path, "post")


def test_health_and_info_match(client, site):
    assert_matches_document(client.get("/health/"), "/health/")
    assert_matches_document(client.get("/"), "/")


def test_translation_status_responses_match(client, site, settings):
    settings.CMS_CACHE_REFRESH_TOKEN = TOKEN
    path = "/api/translation-status/"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert_matches_document(client.get(f"{path}?locale=ar", headers=auth), path)
    assert_matches_document(client.get(f"{path}?locale=en", headers=auth), path)
    assert_matches_document(client.get(f"{path}?locale=ar"), path)


def test_the_document_describes_every_section_of_the_registry():
    schemas = DOCUMENT["components"]["schemas"]
    payload = schemas["WebsiteData"]["properties"]
    assert [name for name in payload if name in {s.field for s in SECTIONS}] == [
        section.field for section in SECTIONS
    ]
    body = DOCUMENT["paths"]["/api/update-redis/"]["post"]["requestBody"]
    accepted = body["content"]["application/json"]["schema"]["properties"]["sections"]
    assert set(accepted["items"]["enum"]) == {n for s in SECTIONS for n in (s.field, s.key)}
    assert schemas["Info"]["properties"]["sections"]["items"]["enum"] == [
        section.field for section in SECTIONS
    ]


@pytest.mark.parametrize("path", ["/api/v2/heroes/", "/api/v2/pages/", "/api/v2/heroes/1/"])
def test_an_over_long_api_v2_query_is_a_documented_414(client, site, path):
    response = client.get(f"{path}?locale=en&x={'a' * 3000}")
    assert response.status_code == 414
    assert_matches_document(response, path.replace("/1/", "/{id}/"))


V2_SECTIONS = [s.api_endpoint for s in SECTIONS if s.api_endpoint]


@pytest.mark.parametrize("endpoint", V2_SECTIONS)
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_api_v2_section_responses_match_their_typed_schemas(client, site, endpoint, locale):
    path = f"/api/v2/{endpoint}/"
    for query in ("", "&fields=_,id", "&fields=-id,-type,image(url)", "&fields=x"):
        assert_matches_document(client.get(f"{path}?locale={locale}{query}"), path)
    items = client.get(f"{path}?locale={locale}").json()["items"]
    for item in items:
        detail = client.get(f"{path}{item['id']}/?locale={locale}")
        assert_matches_document(detail, f"{path}{{id}}/")


def test_wagtails_meta_fields_are_those_the_document_lists():
    from cms.api.fields import META_FIELDS

    meta = DOCUMENT["components"]["schemas"]["V2ItemMeta"]["properties"]
    assert tuple(meta) == META_FIELDS


def test_the_typescript_clients_copy_of_the_document_is_the_served_one():
    """The client's types are generated from clients/typescript/openapi.json: a server change
    that the copy does not reflect fails here (`manage.py export_openapi` writes it)."""
    from django.core.management import call_command

    call_command("export_openapi", "--check")
