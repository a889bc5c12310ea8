"""An editor finds the hero with the sunset photo at a glance: heroes, partners and SEO entries
show their image as a thumbnail in their listing and in their chooser, for the same queries
however many rows there are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images.shortcuts import get_rendition_or_not_found

from sitecontent.columns import THUMBNAIL
from tests.factories import HeroFactory, ImageFactory, PartnerFactory, SiteSeoFactory

pytestmark = pytest.mark.django_db

THUMBNAILED = {  # model name: (factory, image field)
    "hero": (HeroFactory, "background_image"),
    "partner": (PartnerFactory, "logo"),
    "siteseo": (SiteSeoFactory, "og_image"),
}


def thumbnails(html):
    return re.findall(r'<img src="([^"]+)"[^>]*data-cms-thumbnail', html)


def thumbnail_url(image):
    return get_rendition_or_not_found(image, THUMBNAIL).url


@pytest.mark.parametrize("model_name", THUMBNAILED)
def test_each_row_of_the_listing_shows_its_items_image(editor_client, en, ar, model_name):
    factory, field = THUMBNAILED[model_name]
    items = [factory(locale=locale, **{field: ImageFactory()}) for locale in (en, ar)]
    listing = editor_client.get(reverse(f"wagtailsnippets_sitecontent_{model_name}:list"))
    assert sorted(thumbnails(listing.text)) == sorted(
        thumbnail_url(getattr(item, field)) for item in items
    )


@pytest.mark.parametrize("model_name", THUMBNAILED)
def test_the_chooser_shows_each_items_image_too(editor_client, model_name):
    factory, field = THUMBNAILED[model_name]
    item = factory(**{field: ImageFactory()})
    chooser = editor_client.get(
        reverse(f"wagtailsnippetchoosers_sitecontent_{model_name}:choose_results")
    )
    assert thumbnails(chooser.text) == [thumbnail_url(getattr(item, field))]


def test_an_item_without_an_image_has_an_empty_cell(editor_client):
    SiteSeoFactory(og_image=None)
    listing = editor_client.get(reverse("wagtailsnippets_sitecontent_siteseo:list"))
    assert listing.status_code == 200 and thumbnails(listing.text) == []


@pytest.mark.parametrize(
    "view",
    [
        "wagtailsnippets_sitecontent_hero:list",
        "wagtailsnippetchoosers_sitecontent_hero:choose_results",
    ],
)
def test_the_thumbnails_of_a_long_listing_cost_the_queries_of_a_short_one(editor_client, view):
    """Two queries, the images and their thumbnails, however many rows."""

    def image_queries():
        editor_client.get(reverse(view))  # the thumbnails exist from now on
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(reverse(view)).status_code == 200
        return [q["sql"] for q in captured if '"wagtailimages_' in q["sql"]]

    HeroFactory()
    assert len(image_queries()) == 2
    for _ in range(7):
        HeroFactory()
    assert len(image_queries()) == 2
