"""The website as of a release, before it goes live: in the admin (the release's preview, in
each language) and headless (a preview token, any locale), built by the payload builder the
API serves, with nothing of it kept; a release that could not go live says why instead."""

import pytest
from django.urls import reverse

from cms.delivery.models import UnfinishedPropagation
from cms.editorial.preview import issue_token
from cms.webhooks.models import PublishReceipt
from sitecontent.models import Partner
from tests.cms.test_openapi import assert_matches_document
from tests.cms.test_preview import preview_token

from .test_launch import BEFORE, site_as_served

pytestmark = pytest.mark.django_db


def admin_preview(client, release, mode):
    """As the admin's preview panel does: post the form, then load the rendering."""
    url = reverse("wagtailsnippets_cms_release:preview_on_edit", args=[release.pk])
    form = {"name": release.name, "description": release.description}
    assert client.post(url, form).json()["is_valid"] is True
    return client.get(url, {"mode": mode})


@pytest.fixture
def nothing_is_kept(campaign, client):
    """Afterwards: the site as before, no receipt, no change waiting to be propagated."""
    waiting = UnfinishedPropagation.objects.count()  # the fixtures' (tests never commit)
    yield
    assert site_as_served(client) == BEFORE
    assert not PublishReceipt.objects.exists()
    assert UnfinishedPropagation.objects.count() == waiting


def test_the_admin_previews_the_whole_site_as_of_the_release_in_each_language(
    campaign, editor_client, nothing_is_kept
):
    arabic = admin_preview(editor_client, campaign, "ar")
    assert arabic.status_code == 200
    assert '<html lang="ar" dir="rtl">' in arabic.text
    for shown in ("طاقة الصيف", "عنا", "Sunrise", "Summer sale"):
        assert shown in arabic.text
    assert "طاقة نظيفة" not in arabic.text  # the Arabic hero as the release has it

    english = admin_preview(editor_client, campaign, "en")
    assert '<html lang="en" dir="ltr">' in english.text and "Summer power" in english.text


def test_a_preview_token_shows_a_frontend_the_release_in_any_locale(
    campaign, editor_client, client, nothing_is_kept
):
    token = preview_token(editor_client, campaign)
    arabic = client.get(f"/api/website-data/?locale=ar&preview={token}")
    assert arabic.status_code == 200 and arabic["Cache-Control"] == "no-store"
    data = arabic.json()["data"]
    assert data["heroes"][0]["title"] == "طاقة الصيف"
    assert data["preview"]["type"] == "release" and data["preview"]["id"] == campaign.pk
    assert data["preview"]["locale"] == "ar"
    assert_matches_document(arabic, "/api/website-data/")

    english = client.get(f"/api/website-data/?preview={token}").json()["data"]
    assert english["heroes"][0]["title"] == "Summer power"  # the default locale, unless asked


def test_the_headless_preview_page_of_a_release_links_every_locale(campaign, editor_client):
    page = editor_client.get(reverse("cms_headless_preview", args=["cms", "release", campaign.pk]))
    assert 'data-preview-url="en"' in page.text and 'data-preview-url="ar"' in page.text


def test_a_release_that_could_not_go_live_previews_as_the_reason(campaign, editor_client, client):
    token = issue_token(campaign).token
    Partner.objects.get(name="Sunrise").delete()
    preview = admin_preview(editor_client, campaign, "en")
    assert "“Sunrise” was deleted after it joined." in preview.text
    refused = client.get(f"/api/website-data/?preview={token}")
    assert refused.status_code == 409
    assert "“Sunrise” was deleted" in refused.json()["message"]
    assert_matches_document(refused, "/api/website-data/")
