"""Drag-and-drop order is the source's order, shared by every locale."""

import pytest
from django.urls import reverse
from wagtail_localize.models import Translation, TranslationSource

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
    publisher_client, partners_in_both_locales, en, ar
):
    (p0, _p1, p2), _ = partners_in_both_locales
    url = reverse("wagtailsnippets_sitecontent_partner:reorder", args=[p2.pk])
    response = publisher_client.post(f"{url}?position={listing_position(p0)}")
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


def moved_first(partners_in_both_locales):
    """P2's draft saved while it was last, then P2 dragged to the top."""
    (p0, _p1, p2), _ = partners_in_both_locales
    p2.name = "P2"
    p2.save_revision()
    move_translation_group(Partner, p2, listing_position(p0))
    return Partner.objects.get(pk=p2.pk)


def test_publishing_a_draft_saved_before_a_reorder_keeps_the_new_order(
    partners_in_both_locales, en, ar
):
    p2 = moved_first(partners_in_both_locales)
    p2.latest_revision.publish()
    assert names(en) == ["P2", "P0", "P1"]
    assert names(ar) == ["ع2", "ع0", "ع1"]


def test_publishing_an_older_revision_keeps_the_new_order(partners_in_both_locales, en, ar):
    p2 = moved_first(partners_in_both_locales)
    p2.revisions.order_by("created_at", "pk").first().publish()
    assert names(en) == ["P2", "P0", "P1"]
    assert names(ar) == ["ع2", "ع0", "ع1"]


def test_a_revert_starts_from_the_item_where_it_stands(partners_in_both_locales):
    """The admin's revert (and a workflow's approval, which publishes a revision) build the
    item from a revision with as_object()."""
    p2 = moved_first(partners_in_both_locales)
    for revision in p2.revisions.all():
        assert revision.as_object().sort_order == p2.sort_order


def test_a_translation_synced_from_a_source_captured_before_a_reorder_keeps_the_new_order(
    partners_in_both_locales, en, ar
):
    (p0, _p1, p2), _ = partners_in_both_locales
    source, _ = TranslationSource.get_or_create_from_instance(p2)  # p2 last, as captured
    translation, _ = Translation.objects.get_or_create(source=source, target_locale=ar)
    move_translation_group(Partner, p2, listing_position(p0))
    translation.save_target(publish=True)  # the translator publishes: the source's snapshot
    assert names(en) == ["P2", "P0", "P1"]
    assert groups(ar) == groups(en)


def groups(locale):
    return list(Partner.objects.filter(locale=locale).values_list("translation_key", flat=True))
