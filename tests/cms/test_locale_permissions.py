"""Translators work in their locales only, and the server holds that against direct requests.

A translator belongs to the Translators role (what they may do) and to a locale team such as
"Translators: Arabic" (where). Every refusal below is a request the admin would never offer
the user, made directly, and answered 403 with nothing changed.
"""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.permissions import policy_registry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail_localize.models import Translation

from cms.models import LocaleTeam
from home.models import HomePage
from sitecontent.models import Hero
from tests.factories import (
    ARABIC_TEAM,
    HeroFactory,
    ImageFactory,
    UserFactory,
    hero_form,
    publish,
    translate,
)
from tests.sitecontent.test_translation import submit_translation

pytestmark = pytest.mark.django_db


def snippet_url(view, *args):
    return reverse(f"wagtailsnippets_sitecontent_hero:{view}", args=args)


@pytest.fixture
def english_hero():
    return publish(HeroFactory(title="Clean power"))


@pytest.fixture
def arabic_hero(english_hero, ar):
    return translate(english_hero, ar, title="طاقة نظيفة")


@pytest.fixture
def french(db):
    # A third locale, for "translating into a locale that is not yours".
    return Locale.objects.create(language_code="fr")


@pytest.fixture
def arabic_editor(db):
    """Everything an Editor and a Publisher may do with content, but only in Arabic: so the
    refusals below come from the locale rule, not from a missing role permission or from
    approval."""
    group = Group.objects.create(name="Arabic editors")
    group.permissions.set(
        Permission.objects.filter(group__name__in=["Editors", "Publishers"]).exclude(
            codename="work_in_every_locale"
        )
    )
    return UserFactory(groups=["Arabic editors", ARABIC_TEAM])


@pytest.fixture
def arabic_editor_client(client, arabic_editor):
    client.force_login(arabic_editor)
    return client


def unchanged(hero):
    fresh = Hero.objects.get(pk=hero.pk)
    return (fresh.title, fresh.live, fresh.has_unpublished_changes, fresh.locked) == (
        hero.title,
        hero.live,
        hero.has_unpublished_changes,
        hero.locked,
    )


# Teams


def test_every_locale_has_a_team_group_with_the_pages_of_its_locale(en, ar):
    for locale in (en, ar):
        team = LocaleTeam.objects.get(locale=locale)
        granted = {
            (grant.page_id, grant.permission.codename)
            for grant in team.group.page_permissions.select_related("permission")
        }
        roots = Page.objects.filter(depth=2, locale=locale).values_list("pk", flat=True)
        # Publishing pages goes through approval (translations through review).
        assert granted == {
            (root, f"{action}_page") for root in roots for action in ("add", "change")
        }
    assert LocaleTeam.objects.get(locale=ar).group.name == ARABIC_TEAM


def test_a_new_locale_gets_a_team_and_its_first_page_is_the_teams(home_page, french):
    team = LocaleTeam.objects.get(locale=french)
    assert not team.group.page_permissions.exists()

    french_home = home_page.copy_for_translation(french)

    assert set(team.group.page_permissions.values_list("page_id", flat=True)) == {french_home.pk}


def test_translators_get_page_access_from_teams_not_from_the_role():
    translators = Group.objects.get(name="Translators")
    assert not translators.page_permissions.exists()


def test_teams_are_assigned_to_users_in_the_admin(admin_client, translator):
    response = admin_client.get(reverse("wagtailusers_users:edit", args=[translator.pk]))
    assert response.status_code == 200
    assert ARABIC_TEAM in response.text


# Site content (snippets)


def test_a_translator_cannot_edit_or_publish_the_english_source(translator_client, english_hero):
    draft_title = hero_form(english_hero, title="Hijacked")
    response = translator_client.post(snippet_url("edit", english_hero.pk), draft_title)
    assert response.status_code == 403
    response = translator_client.post(
        snippet_url("edit", english_hero.pk), {**draft_title, "action-publish": "1"}
    )
    assert response.status_code == 403
    assert unchanged(english_hero)
    assert english_hero.revisions.count() == 1


def test_opening_the_english_edit_form_gets_wagtails_refusal_but_history_is_readable(
    translator_client, english_hero
):
    response = translator_client.get(snippet_url("edit", english_hero.pk))
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    assert translator_client.get(snippet_url("history", english_hero.pk)).status_code == 200


def test_a_translator_edits_arabic_and_the_arabic_approvers_publish_it(
    translator_client, arabic_hero
):
    response = translator_client.post(
        snippet_url("edit", arabic_hero.pk),
        hero_form(arabic_hero, title="طاقة أنظف", **{"action-submit": "1"}),
    )
    assert response.status_code == 302
    assert Hero.objects.get(pk=arabic_hero.pk).title == "طاقة نظيفة"  # live until approved

    translator_client.force_login(UserFactory(groups=["Approvers", "Approvers: Arabic"]))
    task_state = Hero.objects.get(pk=arabic_hero.pk).current_workflow_task_state
    response = translator_client.post(
        reverse(
            "wagtailsnippets_sitecontent_hero:workflow_action",
            args=[arabic_hero.pk, "approve", task_state.pk],
        ),
        {"comment": ""},
    )
    assert response.status_code == 302, response.content
    arabic_hero.refresh_from_db()
    assert (arabic_hero.title, arabic_hero.live) == ("طاقة أنظف", True)


@pytest.mark.parametrize(
    "view, data",
    [
        ("delete", {}),
        ("unpublish", {}),
        ("lock", {}),
    ],
)
def test_outside_their_locales_nothing_is_deleted_unpublished_or_locked(
    arabic_editor_client, english_hero, view, data
):
    response = arabic_editor_client.post(snippet_url(view, english_hero.pk), data)
    assert response.status_code == 403
    assert Hero.objects.filter(pk=english_hero.pk).exists()
    assert unchanged(english_hero)


@pytest.mark.parametrize("view", ["delete", "unpublish", "lock"])
def test_in_their_locale_the_same_requests_work(arabic_editor_client, arabic_hero, view):
    response = arabic_editor_client.post(snippet_url(view, arabic_hero.pk))
    assert response.status_code == 302
    assert not Hero.objects.filter(pk=arabic_hero.pk, live=True, locked=False).exists()


def test_an_english_revision_cannot_be_restored_from_outside(arabic_editor_client, english_hero):
    english_hero.title = "Draft title"
    revision = english_hero.save_revision()
    response = arabic_editor_client.post(
        snippet_url("revisions_revert", english_hero.pk, revision.pk),
        hero_form(english_hero, **{"action-publish": "1"}),
    )
    assert response.status_code == 403
    assert Hero.objects.get(pk=english_hero.pk).title == "Clean power"


def test_creating_content_in_another_locale_is_refused(arabic_editor_client, en, ar):
    new_hero = hero_form(HeroFactory.build(background_image=ImageFactory()))
    response = arabic_editor_client.post(snippet_url("add") + "?locale=en", new_hero)
    assert response.status_code == 403
    assert not Hero.objects.exists()

    response = arabic_editor_client.post(snippet_url("add") + "?locale=ar", new_hero)
    assert response.status_code == 302
    assert Hero.objects.get().locale == ar


def test_bulk_delete_skips_what_is_outside_their_locales(
    arabic_editor_client, english_hero, arabic_hero
):
    bulk = reverse("wagtail_bulk_action", args=["sitecontent", "hero", "delete"])
    query = urlencode([("id", english_hero.pk), ("id", arabic_hero.pk)])
    arabic_editor_client.post(f"{bulk}?{query}")
    assert list(Hero.objects.values_list("pk", flat=True)) == [english_hero.pk]


def test_reordering_moves_every_locale_so_it_needs_them_all(arabic_editor_client, arabic_hero):
    response = arabic_editor_client.post(snippet_url("reorder", arabic_hero.pk) + "?position=0")
    assert response.status_code == 403


def test_the_policy_lists_only_objects_in_the_users_locales(translator, english_hero, arabic_hero):
    policy = policy_registry.get_by_type(Hero)
    assert list(policy.instances_user_has_permission_for(translator, "change")) == [arabic_hero]
    assert policy.user_has_permission_for_instance(translator, "change", arabic_hero)
    assert not policy.user_has_permission_for_instance(translator, "change", english_hero)
    # Publishing goes through approval, in any locale.
    assert not policy.user_has_permission_for_instance(translator, "publish", arabic_hero)


def test_publishers_in_the_editors_role_keep_every_locale(
    publisher_client, english_hero, arabic_hero
):
    for hero in (english_hero, arabic_hero):
        response = publisher_client.post(
            snippet_url("edit", hero.pk),
            hero_form(hero, title="Edited", **{"action-publish": "1"}),
        )
        assert response.status_code == 302
    assert set(Hero.objects.values_list("title", flat=True)) == {"Edited"}


def test_a_translator_without_a_team_works_in_no_locale(client, arabic_hero):
    client.force_login(UserFactory(groups=["Translators"]))
    response = client.post(snippet_url("edit", arabic_hero.pk), hero_form(arabic_hero, title="x"))
    assert response.status_code == 403


# wagtail-localize


def test_a_translator_submits_translations_into_their_locales_only(
    translator_client, english_hero, ar, french
):
    submit = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=["sitecontent", "hero", english_hero.pk],
    )
    response = translator_client.post(submit, {"locales": [ar.pk, french.pk]})
    assert response.status_code == 403
    assert not Translation.objects.exists()

    response = translator_client.post(submit, {"locales": [ar.pk]})
    assert response.status_code == 302
    assert Hero.objects.filter(locale=ar).count() == 1


def test_a_translator_cannot_edit_the_strings_of_another_locales_translation(
    translator_client, english_hero, french
):
    translation = submit_translation(english_hero, french)
    segment = translation.source.stringsegment_set.first()
    response = translator_client.put(
        reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]),
        urlencode({"value": "Énergie propre"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 403
    assert not translation.source.stringsegment_set.filter(
        string__translations__locale=french
    ).exists()

    response = translator_client.post(
        reverse("wagtail_localize:stop_translation", args=[translation.pk])
    )
    assert response.status_code == 403
    assert Translation.objects.get(pk=translation.pk).enabled


def test_syncing_the_english_source_is_for_those_who_work_in_english(
    translator_client, editor, english_hero, ar
):
    translation = submit_translation(english_hero, ar)
    Hero.objects.filter(pk=english_hero.pk).update(title="Cleaner power")
    sync = reverse("wagtail_localize:update_translations", args=[translation.source.pk])

    response = translator_client.post(sync, {})
    assert response.status_code == 403
    translation.source.refresh_from_db()
    assert "Cleaner power" not in str(translation.source.export_po())

    translator_client.force_login(editor)
    assert translator_client.post(sync, {}).status_code == 302
    translation.source.refresh_from_db()
    assert "Cleaner power" in str(translation.source.export_po())


# Pages


@pytest.fixture
def arabic_home(home_page, ar):
    arabic = home_page.copy_for_translation(ar)
    arabic.save_revision().publish()
    return HomePage.objects.get(pk=arabic.pk)


def page_form(page, **fields):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "heading": page.heading,
            "intro": rich_text(""),
            "seo_title": "",
            "search_description": "",
            "og_image": "",
            "comments": inline_formset([]),
            **fields,
        }
    )


def test_a_translator_edits_the_arabic_home_page_and_the_arabic_approvers_publish_it(
    translator_client, arabic_home
):
    response = translator_client.post(
        reverse("wagtailadmin_pages:edit", args=[arabic_home.pk]),
        {**page_form(arabic_home, title="الرئيسية"), "action-submit": "1"},
    )
    assert response.status_code == 302

    translator_client.force_login(UserFactory(groups=["Approvers", "Approvers: Arabic"]))
    task_state = HomePage.objects.get(pk=arabic_home.pk).current_workflow_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[arabic_home.pk, "approve", task_state.pk]
    )
    assert translator_client.post(approve, {"comment": ""}).status_code == 302
    assert HomePage.objects.get(pk=arabic_home.pk).title == "الرئيسية"


def test_a_translator_cannot_edit_publish_or_unpublish_english_pages(
    translator_client, home_page, arabic_home
):
    title = home_page.title
    edit = reverse("wagtailadmin_pages:edit", args=[home_page.pk])
    response = translator_client.post(edit, {**page_form(home_page, title="Hijacked")})
    assert response.status_code == 403
    response = translator_client.post(
        edit, {**page_form(home_page, title="Hijacked"), "action-publish": "1"}
    )
    assert response.status_code == 403
    response = translator_client.post(reverse("wagtailadmin_pages:unpublish", args=[home_page.pk]))
    assert response.status_code == 403
    home_page.refresh_from_db()
    assert (home_page.title, home_page.live, home_page.has_unpublished_changes) == (
        title,
        True,
        False,
    )
