"""Editors and Translators exist on a fresh database with what each role may do."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from cms.editorial.roles import apply_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codenames(group):
    return set(group.permissions.values_list("codename", flat=True))


def test_editors_manage_site_content_pages_and_images():
    editors = Group.objects.get(name="Editors")
    assert {
        "access_admin",
        "submit_translation",
        "add_hero",
        "change_hero",
        "delete_hero",
        "publish_hero",
        "reorder_hero",
        "publish_siteseo",
        "change_socialmediasettings",
    } <= codenames(editors)
    page_perms = set(
        GroupPagePermission.objects.filter(group=editors).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= page_perms
    collection_perms = set(
        GroupCollectionPermission.objects.filter(group=editors).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_image", "change_image", "choose_image", "delete_image"} <= collection_perms


def test_translators_translate_and_publish_but_never_delete_or_reorder():
    translators = Group.objects.get(name="Translators")
    perms = codenames(translators)
    assert {"access_admin", "submit_translation", "change_hero", "publish_hero"} <= perms
    assert not {p for p in perms if p.startswith(("delete_", "reorder_"))}
    assert (
        "work_in_every_locale" not in perms
    )  # locales come with a team (test_locale_permissions)
    assert "work_in_every_locale" in codenames(Group.objects.get(name="Editors"))


def test_role_permissions_reach_the_users():
    translator = UserFactory(groups=["Translators"])
    assert translator.has_perm("sitecontent.publish_hero")
    assert not translator.has_perm("sitecontent.delete_hero")


def test_applying_roles_again_changes_nothing_and_keeps_extra_grants():
    editors = Group.objects.get(name="Editors")
    extra = Group.objects.get(name="Moderators").permissions.first()
    editors.permissions.add(extra)
    before = (
        codenames(editors),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
    )
    apply_roles()
    call_command("setup_roles", verbosity=0)
    after = (
        codenames(editors),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
    )
    assert before == after
    assert extra.codename in after[0]


def test_upgrading_takes_the_old_root_page_grant_away_from_translators():
    import importlib

    from django.apps import apps
    from wagtail.models import Page

    from cms.editorial.roles import _permission

    migration = importlib.import_module("cms.migrations.0003_locale_teams")
    translators = Group.objects.get(name="Translators")
    GroupPagePermission.objects.create(
        group=translators,
        page=Page.get_first_root_node(),
        permission=_permission("wagtailcore.change_page"),
    )
    migration.translators_lose_pages_of_every_locale(apps, None)
    assert not GroupPagePermission.objects.filter(group=translators).exists()
