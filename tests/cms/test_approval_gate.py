"""No way round approval on the server (cms.middleware.ApprovalMiddleware): every route that
changes what the website shows, posted straight to its URL by an Editor under the workflow,
is answered 403 with a message, and nothing changes, in the database or in the API. A
Publisher (or a superuser) makes the same requests and they go through; an editor saving a
draft or submitting it is never refused."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page

from cms.editorial.approval import REFUSAL
from home.models import HomePage
from sitecontent.models import Hero
from tests.cms.test_locale_permissions import page_form
from tests.factories import HeroFactory, hero_form, publish
from tests.sitecontent.test_translation import submit_translation

pytestmark = pytest.mark.django_db


def hero_url(view, *args):
    return reverse(f"wagtailsnippets_sitecontent_hero:{view}", args=args)


def page_url(view, *args):
    return reverse(f"wagtailadmin_pages:{view}", args=args)


@pytest.fixture
def hero(db):
    """A live hero with a newer draft, and a second live hero after it (for reordering)."""
    hero = publish(HeroFactory(title="Clean power"))
    publish(HeroFactory(title="Second"))
    hero.title = "Draft title"
    hero.save_revision()
    return Hero.objects.get(pk=hero.pk)


@pytest.fixture
def scheduled_hero(db):
    hero = HeroFactory(title="Coming soon")
    hero.go_live_at = timezone.now() + timedelta(days=1)
    hero.save_revision().publish()
    return Hero.objects.get(pk=hero.pk)


@pytest.fixture
def scheduled_home(home_page):
    home_page.go_live_at = timezone.now() + timedelta(days=1)
    home_page.save_revision().publish()
    return HomePage.objects.get(pk=home_page.pk)


def state(*objects):
    """What the website shows of these items and pages, and what is scheduled."""
    heroes = [obj for obj in objects if isinstance(obj, Hero)]
    pages = [obj for obj in objects if isinstance(obj, Page)]
    return (
        list(Hero.objects.order_by("sort_order").values_list("pk", "title", "live")),
        [
            (h.pk, h.live, h.has_unpublished_changes, h.scheduled_revision is not None)
            for h in Hero.objects.filter(pk__in=[h.pk for h in heroes])
        ],
        list(
            Page.objects.filter(pk__in=[p.pk for p in pages] or [0]).values_list(
                "pk", "title", "live", "has_unpublished_changes"
            )
        ),
        [
            bool(p.specific.scheduled_revision)
            for p in Page.objects.filter(pk__in=[p.pk for p in pages])
        ],
        Page.objects.count(),
    )


def website_data(client, locale="en"):
    return client.get(f"/api/website-data/?locale={locale}").json()


# Each route: (name, fixture names of what it acts on, the request as (url, data) built from
# them). Every one changes the live site when its user may.
def edit_and_publish(hero):
    return hero_url("edit", hero.pk), {
        **hero_form(hero, title="Published!"),
        "action-publish": "1",
    }


def create_and_publish(hero):
    form = hero_form(hero, title="Brand new")
    return hero_url("add") + "?locale=en", {**form, "action-publish": "1"}


def revert_and_publish(hero):
    first = hero.revisions.order_by("created_at").first()
    return hero_url("revisions_revert", hero.pk, first.pk), {
        **hero_form(hero),
        "action-publish": "1",
    }


def unpublish(hero):
    return hero_url("unpublish", hero.pk), {}


def unschedule(scheduled_hero):
    return hero_url(
        "revisions_unschedule", scheduled_hero.pk, scheduled_hero.scheduled_revision.pk
    ), {}


def reorder(hero):
    return hero_url("reorder", hero.pk) + "?position=1", {}


def publish_page(home_page):
    return page_url("edit", home_page.pk), {
        **page_form(home_page, title="Published!"),
        "action-publish": "1",
    }


def unpublish_page(home_page):
    return page_url("unpublish", home_page.pk), {}


def unschedule_page(scheduled_home):
    revision = scheduled_home.scheduled_revision
    return page_url("revisions_unschedule", scheduled_home.pk, revision.pk), {}


def copy_page_published(home_page):
    root = Page.get_first_root_node()
    return page_url("copy", home_page.pk), {
        "new_title": "Copy",
        "new_slug": "copy",
        "new_parent_page": root.pk,
        "copy_subpages": "",
        "publish_copies": "on",
    }


def bulk_publish_pages(home_page):
    home_page.title = "Drafted"
    home_page.save_revision()
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    return f"{url}?{urlencode({'id': home_page.pk})}", {}


def bulk_unpublish_pages(home_page):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "unpublish"])
    return f"{url}?{urlencode({'id': home_page.pk})}", {}


def sync_and_publish_translations(hero):
    translation = submit_translation(hero, Locale.objects.get(language_code="ar"))
    return reverse("wagtail_localize:update_translations", args=[translation.source.pk]), {
        "publish_translations": "on"
    }


def convert_translation_to_alias(home_page):
    arabic_home = home_page.copy_for_translation(Locale.objects.get(language_code="ar"))
    submit_translation(home_page, arabic_home.locale)
    return reverse("wagtail_localize:convert_to_alias", args=[arabic_home.pk]), {}


ROUTES = [
    ("edit view's publish", "hero", edit_and_publish),
    ("create view's publish", "hero", create_and_publish),
    ("revision revert-and-publish", "hero", revert_and_publish),
    ("unpublish", "hero", unpublish),
    ("cancel a scheduled publish", "scheduled_hero", unschedule),
    ("reorder", "hero", reorder),
    ("page edit view's publish", "home_page", publish_page),
    ("page unpublish", "home_page", unpublish_page),
    ("cancel a page's scheduled publish", "scheduled_home", unschedule_page),
    ("page copy, published", "home_page", copy_page_published),
    ("bulk publish of pages", "home_page", bulk_publish_pages),
    ("bulk unpublish of pages", "home_page", bulk_unpublish_pages),
    ("sync translations and publish them", "hero", sync_and_publish_translations),
    ("convert a translation to an alias", "home_page", convert_translation_to_alias),
]


@pytest.mark.parametrize(("route", "target", "build"), ROUTES, ids=[r[0] for r in ROUTES])
def test_an_editor_is_refused_every_way_of_changing_the_live_site(
    route, target, build, request, client, editor
):
    obj = request.getfixturevalue(target)
    url, data = build(obj)
    before, api_before = state(obj), website_data(client)
    client.force_login(editor)

    response = client.post(url, data)

    assert response.status_code == 403, route
    assert str(REFUSAL) in response.content.decode()
    assert state(obj) == before
    client.logout()
    assert website_data(client) == api_before


# Not through for anyone: the home page copies only to the tree's root, where Wagtail lets
# nobody publish, and an alias is made by wagtail-localize's own conversion, tested above.
THROUGH = [
    r for r in ROUTES if r[0] not in {"page copy, published", "convert a translation to an alias"}
]


@pytest.mark.parametrize(("route", "target", "build"), THROUGH, ids=[r[0] for r in THROUGH])
def test_a_publisher_goes_through_every_route(route, target, build, request, client, publisher):
    obj = request.getfixturevalue(target)
    url, data = build(obj)
    before = state(obj)
    client.force_login(publisher)

    response = client.post(url, data)

    assert response.status_code in (200, 302), route
    assert str(REFUSAL) not in response.content.decode()
    assert state(obj) != before, route


def test_a_fetch_from_the_admin_is_refused_in_json(client, editor, hero):
    client.force_login(editor)
    url, data = reorder(hero)
    response = client.post(url, data, headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 403
    assert response.json() == {"success": False, "error": str(REFUSAL)}


def test_a_superuser_publishes_without_approval(admin_client, hero):
    url, data = edit_and_publish(hero)
    assert admin_client.post(url, data).status_code == 302
    assert Hero.objects.get(pk=hero.pk).title == "Published!"


def test_an_editor_saves_drafts_and_submits_them_for_approval(client, editor, hero):
    client.force_login(editor)
    form = hero_form(hero, title="Better title")
    assert client.post(hero_url("edit", hero.pk), form).status_code == 302
    assert Hero.objects.get(pk=hero.pk).latest_revision.content["title"] == "Better title"

    response = client.post(hero_url("edit", hero.pk), {**form, "action-submit": "1"})

    assert response.status_code == 302
    fresh = Hero.objects.get(pk=hero.pk)
    assert fresh.workflow_in_progress
    assert fresh.title == "Clean power"  # still the live version until approved


def test_an_editor_is_offered_submit_not_publish(client, editor, publisher, hero, home_page):
    client.force_login(editor)
    for url in (hero_url("edit", hero.pk), page_url("edit", home_page.pk)):
        html = client.get(url).content.decode()
        assert 'name="action-submit"' in html, url
        assert 'name="action-publish"' not in html, url
    listing = client.get(hero_url("list")).content.decode()
    assert hero_url("unpublish", hero.pk) not in listing
    assert hero_url("reorder", hero.pk) not in listing

    client.force_login(publisher)
    assert 'name="action-publish"' in client.get(hero_url("edit", hero.pk)).content.decode()


def test_a_translator_needs_approval_in_the_ordinary_editor_too(client, translator, hero, ar):
    """Translations themselves are reviewed (tests/cms/test_translation_review.py)."""
    submit_translation(hero, ar)
    arabic = Hero.objects.get(translation_key=hero.translation_key, locale=ar)
    client.force_login(translator)
    url, data = edit_and_publish(arabic)
    assert client.post(url, data).status_code == 403
    assert not Hero.objects.get(pk=arabic.pk).live


def test_an_editor_cannot_publish_from_the_translation_editor(client, editor, hero, ar):
    submit_translation(hero, ar)
    arabic = Hero.objects.get(translation_key=hero.translation_key, locale=ar)
    client.force_login(editor)
    assert client.post(hero_url("edit", arabic.pk), {"action": "publish"}).status_code == 403
    assert not Hero.objects.get(pk=arabic.pk).live
