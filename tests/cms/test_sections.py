"""The section registry is the one home of what the payload is made of: every layer derives
from it, so a section declared there is cached, purged, served, refreshed, reported on and
editable without being listed anywhere else."""

import pytest
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from cms.api.v2 import ENDPOINTS
from cms.delivery.keys import WHOLE, keys_for
from cms.delivery.sections import SECTIONS, find, showing
from cms.editorial.translation_status import KINDS
from home.models import HomePage
from sitecontent.models import Hero, SiteSeo, SocialMediaSettings
from sitecontent.permissions import LocaleScopedPermissionPolicy
from tests import factories

from .conftest import get_data

pytestmark = pytest.mark.django_db
SNIPPET_SECTIONS = [section for section in SECTIONS if not section.shows_pages]


def test_names_are_unique_and_never_the_whole_payloads():
    names = [name for section in SECTIONS for name in {section.key, section.field}]
    assert len(names) == len(set(names))
    assert WHOLE not in names
    assert all(find(section.key) is find(section.field) is section for section in SECTIONS)


def test_each_locale_has_a_key_per_section_and_one_for_the_whole_payload():
    assert len(keys_for(["en", "ar"])) == 2 * (len(SECTIONS) + 1)


def test_the_payload_has_every_section_in_registry_order(client, site):
    data = get_data(client)
    assert [name for name in data if find(name)] == [section.field for section in SECTIONS]


def test_what_a_section_shows_is_derived_from_its_model():
    hero = find("heroes")
    assert hero.links_to_pages and hero.is_ordered
    assert hero.image_fields == [(Hero, "background_image")]
    seo = find("seo")
    assert not seo.links_to_pages and not seo.is_ordered
    assert seo.image_fields == [
        (SiteSeo, "og_image"),
        (SocialMediaSettings, "default_share_image"),
    ]
    assert find("home").shows_pages and showing(HomePage) == [find("home")]


@pytest.mark.parametrize("section", SNIPPET_SECTIONS, ids=str)
def test_publishing_any_snippet_sections_item_shows_at_once(
    client, site, section, django_capture_on_commit_callbacks
):
    get_data(client, "?locale=ar")  # warm the cache
    factory = getattr(factories, f"{section.model.__name__}Factory")
    if section.field == "seo":
        item = site["seo"]
        item.site_name = "Renamed"
    else:
        item = factory()
    with django_capture_on_commit_callbacks(execute=True):
        factories.publish(item)
    assert str(item) in get_data(client, "?locale=en").__repr__()


@pytest.mark.parametrize("section", SNIPPET_SECTIONS, ids=str)
def test_every_snippet_section_is_scoped_to_locales_and_granted_to_the_roles(section):
    policy = policy_registry.get_by_type(section.model)
    assert isinstance(policy, LocaleScopedPermissionPolicy)
    name = section.model._meta.model_name
    editor = factories.UserFactory(groups=["Editors"])
    publisher = factories.UserFactory(groups=["Publishers"])
    translator = factories.UserFactory(groups=["Translators", factories.ARABIC_TEAM])
    assert editor.has_perms([f"sitecontent.change_{name}", f"sitecontent.delete_{name}"])
    assert publisher.has_perm(f"sitecontent.publish_{name}")
    assert translator.has_perm(f"sitecontent.change_{name}")
    assert not translator.has_perm(f"sitecontent.delete_{name}")


def test_every_section_is_in_the_translation_status_and_api_v2_where_declared():
    assert list(KINDS) == [section.field for section in SECTIONS]
    declared = {section.api_endpoint for section in SECTIONS if section.api_endpoint}
    assert declared <= set(ENDPOINTS)


def test_the_api_info_lists_the_sections_and_their_v2_endpoints(client, site):
    info = client.get("/").json()["data"]
    assert info["sections"] == [section.field for section in SECTIONS]
    for section in SECTIONS:
        if section.api_endpoint:
            assert section.api_endpoint in info["endpoints"]["wagtail_api_v2"]


def test_images_in_any_section_purge_it(client, site, django_capture_on_commit_callbacks):
    get_data(client)
    image = get_image_model().objects.get(pk=site["hero"].background_image_id)
    image.description = "A new description"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert get_data(client)["heroes"][0]["image"]["alt"] == "A new description"
