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


def page_codenames(group):
    return set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "permission__codename", flat=True
        )
    )


def test_editors_manage_site_content_pages_and_images_and_submit_them_for_approval():
    editors = Group.objects.get(name="Editors")
    assert {
        "access_admin",
        "submit_translation",
        "add_hero",
        "change_hero",
        "delete_hero",
        "change_siteseo",
        "change_socialmediasettings",
    } <= codenames(editors)
    assert not {p for p in codenames(editors) if p.startswith(("publish_", "reorder_"))}
    assert not (codenames(editors) & {"publish_without_approval"})
    page_perms = page_codenames(editors)
    assert {"add_page", "change_page"} <= page_perms
    assert "publish_page" not in page_perms
    collection_perms = set(
        GroupCollectionPermission.objects.filter(group=editors).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_image", "change_image", "choose_image", "delete_image"} <= collection_perms


def test_translators_translate_but_never_publish_delete_or_reorder():
    """Publishing translations comes back with CMS_TRANSLATIONS_NEED_REVIEW off
    (tests/cms/test_translation_review.py)."""
    translators = Group.objects.get(name="Translators")
    perms = codenames(translators)
    assert {"access_admin", "submit_translation", "change_hero"} <= perms
    assert not {p for p in perms if p.startswith(("delete_", "reorder_", "publish_"))}
    assert (
        "work_in_every_locale" not in perms
    )  # locales come with a team (test_locale_permissions)
    assert "work_in_every_locale" in codenames(Group.objects.get(name="Editors"))


def test_publishers_publish_unpublish_and_reorder_without_approval():
    publishers = Group.objects.get(name="Publishers")
    assert {"publish_without_approval", "publish_hero", "reorder_hero", "publish_siteseo"} <= (
        codenames(publishers)
    )
    assert page_codenames(publishers) == {"publish_page"}
    assert not publishers.user_set.exists()  # nobody, until an administrator says who


def test_approvers_open_what_they_approve_and_publish_nothing_themselves():
    approvers = Group.objects.get(name="Approvers")
    assert {"access_admin", "change_hero"} <= codenames(approvers)
    assert not {p for p in codenames(approvers) if p.startswith(("publish", "reorder_"))}
    assert not page_codenames(approvers)


def test_role_permissions_reach_the_users():
    translator = UserFactory(groups=["Translators"])
    assert translator.has_perm("sitecontent.change_hero")
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


def test_upgrading_takes_direct_publishing_away_from_the_editors_once():
    """Sites made before approval: migration 0015 takes back what Editors were given then."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cms.migrations.0015_editors_publish_through_approval")
    editors = Group.objects.get(name="Editors")
    publishers = Group.objects.get(name="Publishers")
    editors.permissions.add(*publishers.permissions.filter(codename__startswith="publish_hero"))
    editors.permissions.add(*publishers.permissions.filter(codename="reorder_partner"))
    root = GroupPagePermission.objects.filter(group=publishers).get()
    GroupPagePermission.objects.create(group=editors, page=root.page, permission=root.permission)
    kept = codenames(editors) - {"publish_hero", "reorder_partner"}

    migration.take_back_direct_publishing(apps, None)

    assert codenames(editors) == kept
    assert "publish_page" not in page_codenames(editors)
    assert codenames(publishers) >= {"publish_hero", "reorder_partner"}
