"""The menu is one level deep, whatever the database holds: deeper nesting made by two edits
that were each valid against the other's old state (or by SQL) is served one level deep, a loop
is left out, and saving holds the rule so such nesting is not written in the first place."""

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from sitecontent.models import MenuItem
from tests.cms.conftest import edit_form
from tests.factories import MenuItemFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(site):
    """Three new top-level items, published, after the site's own."""
    return [publish(MenuItemFactory(label=label)) for label in ("Top", "Middle", "Bottom")]


def nest(child, parent):
    """What the database holds after the edits raced: no save, no form."""
    MenuItem.objects.filter(pk=child.pk).update(parent=parent)


def menu(client):
    response = client.get("/api/website-data/?locale=en")
    assert response.status_code == 200, response.content
    return json.loads(response.content)["data"]["menu"]


def labels(entries):
    return {entry["label"]: labels(entry.get("children", [])) for entry in entries}


def test_an_item_two_levels_deep_is_lifted_under_its_top_level_item(client, three):
    top, middle, bottom = three
    nest(middle, top)
    nest(bottom, middle)
    served = labels(menu(client))
    assert served["Top"] == {"Middle": {}, "Bottom": {}}
    assert "Middle" not in served and "Bottom" not in served
    assert client.get("/api/v2/menu-items/?locale=en").status_code == 200


def test_items_whose_parents_loop_are_left_out_and_the_rest_is_served(client, three):
    top, middle, _bottom = three
    nest(top, middle)
    nest(middle, top)
    served = labels(menu(client))
    assert "Top" not in served and "Middle" not in served
    assert served["Bottom"] == {}
    assert client.get("/api/v2/menu-items/?locale=en").status_code == 200


def test_saving_an_item_under_a_child_hangs_it_from_the_childs_top_level_item(three):
    """Editor 1 puts Bottom under Middle while editor 2 puts Middle under Top: each form was
    valid against what it read; the second save holds the rule."""
    top, middle, bottom = three
    middle.parent = top
    middle.save()
    bottom.parent = MenuItem.objects.get(pk=middle.pk)
    bottom.save()
    assert MenuItem.objects.get(pk=bottom.pk).parent_id == top.pk


def test_saving_an_item_with_children_under_another_keeps_it_at_the_top_level(three):
    top, middle, bottom = three
    bottom.parent = middle
    bottom.save()
    middle.parent = top
    middle.save()
    assert MenuItem.objects.get(pk=middle.pk).parent_id is None
    assert MenuItem.objects.get(pk=bottom.pk).parent_id == middle.pk


def test_publishing_a_revision_holds_the_rule_too(three):
    top, middle, bottom = three
    bottom.parent = middle
    revision = bottom.save_revision()  # a draft, saved while Middle was at the top level
    middle.parent = top
    publish(middle)
    revision.publish()
    assert MenuItem.objects.get(pk=bottom.pk).parent_id == top.pk


def listing_text(client):
    """The English menu listing of the admin, as the editor reads it."""
    listing = reverse("wagtailsnippets_sitecontent_menuitem:list") + "?locale=en"
    return " ".join(BeautifulSoup(client.get(listing).content, "html.parser").stripped_strings)


def test_the_menu_listing_tells_editors_what_is_nested_too_deep_and_where_it_is_shown(
    editor_client, three
):
    top, middle, bottom = three
    nest(middle, top)
    nest(bottom, middle)
    text = listing_text(editor_client)
    assert "Middle: nested too deep, the menu shows it under Top." in text
    assert "Top: nested too deep" not in text  # Middle itself is one level down, as allowed


def test_the_menu_listing_names_items_whose_parents_loop_as_left_out(editor_client, three):
    top, middle, _ = three
    nest(top, middle)
    nest(middle, top)
    text = listing_text(editor_client)
    assert "Top: its parents loop, so the menu leaves it out." in text
    assert "Middle: its parents loop, so the menu leaves it out." in text


def test_a_too_deep_item_opens_under_the_item_the_menu_shows_it_under_and_stays_there(
    publisher_client, three
):
    editor_client = publisher_client
    top, middle, bottom = three
    nest(middle, top)
    nest(bottom, middle)
    url, page, values = edit_form(editor_client, bottom)
    assert values["parent"] == str(top.pk)  # not blank: where the menu shows it
    text = " ".join(page.stripped_strings)
    assert "Middle: nested too deep, the menu shows it under Top. Saving keeps it there." in text

    response = editor_client.post(url, {**values, "action-publish": "action-publish"})
    assert response.status_code == 302, response.content
    bottom.refresh_from_db()
    assert bottom.parent_id == top.pk  # not moved to the top level unasked
    assert labels(menu(editor_client))["Top"] == {"Middle": {}, "Bottom": {}}


def test_an_item_whose_parents_loop_says_saving_puts_it_at_the_top_level(editor_client, three):
    top, middle, _ = three
    nest(top, middle)
    nest(middle, top)
    _, page, values = edit_form(editor_client, middle)
    assert values["parent"] == ""
    text = " ".join(page.stripped_strings)
    assert "its parents loop, so the menu leaves it out. Saving puts it at the top level" in text
