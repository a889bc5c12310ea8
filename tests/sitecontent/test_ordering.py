"""Drag-and-drop order is the source's order, shared by every locale."""

import pytest
from django.urls import reverse

from sitecontent.models import Partner
from sitecontent.ordering import move_translation_group
from tests.factories import PartnerFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners_in_both_locales(ar):
    sources = [publish(PartnerFactory(name=f"P{i}")) for i in range(3)]
    translations = [
        PartnerFactory(locale=ar, name=f"ع{i}", translation_key=p.translation_key)
        for i, p in enumerate(sources)
    ]
    return sources, translations


def names(locale):
    return list(Partner.objects.filter(locale=locale).values_list("name", flat=True))


def listing_position(item):
    listing = list(Partner.objects.order_by("sort_order", "pk"))
    return listing.index(item)


def test_moving_an_item_moves_its_translations_too(partners_in_both_locales, en, ar):
    (p0, _p1, p2), (_a0, _a1, _a2) = partners_in_both_locales
    move_translation_group(Partner, p2, listing_position(p0))
    assert names(en) == ["P2", "P0", "P1"]
    assert names(ar) == ["ع2", "ع0", "ع1"]


def test_dragging_the_arabic_row_reorders_both_locales(partners_in_both_locales, en, ar):
    (_p0, _p1, _p2), (a0, _a1, a2) = partners_in_both_locales
    move_translation_group(Partner, a0, listing_position(a2))
    assert names(en) == ["P1", "P2", "P0"]
    assert names(ar) == ["ع1", "ع2", "ع0"]


def test_a_position_beyond_the_end_moves_the_item_last(partners_in_both_locales, en):
    (p0, _, _), _ = partners_in_both_locales
    move_translation_group(Partner, p0, 999)
    assert names(en) == ["P1", "P2", "P0"]


def test_moving_returns_only_the_groups_whose_order_changed(partners_in_both_locales):
    (_p0, p1, p2), _ = partners_in_both_locales
    changed = move_translation_group(Partner, p1, listing_position(p2))
    assert set(changed) == {p1.translation_key, p2.translation_key}


def test_reordering_in_the_admin_listing_applies_to_every_locale(
    editor_client, partners_in_both_locales, en, ar
):
    (p0, _p1, p2), _ = partners_in_both_locales
    url = reverse("wagtailsnippets_sitecontent_partner:reorder", args=[p2.pk])
    response = editor_client.post(f"{url}?position={listing_position(p0)}")
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert names(en) == ["P2", "P0", "P1"]
    assert names(ar) == ["ع2", "ع0", "ع1"]


def test_translators_cannot_reorder(translator_client, partners_in_both_locales, en):
    (_p0, _p1, p2), _ = partners_in_both_locales
    url = reverse("wagtailsnippets_sitecontent_partner:reorder", args=[p2.pk])
    response = translator_client.post(f"{url}?position=0")
    assert response.status_code in (302, 403)
    assert names(en) == ["P0", "P1", "P2"]
