"""The editorial roles, as groups with Wagtail permissions, and the approval workflow.

Applying them is idempotent and additive: permissions an administrator granted on top are
kept, so running it again (every `migrate` does) never takes anything away.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import translation
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from cms.delivery.sections import SECTIONS
from cms.releases.models import Release

if TYPE_CHECKING:
    from .models import LocaleTeam

# The site content snippets of the payload, and those whose order editors set by hand.
SITE_CONTENT_SNIPPETS = tuple(section.model for section in SECTIONS if not section.shows_pages)
ORDERED_SNIPPETS = tuple(
    section.model for section in SECTIONS if not section.shows_pages and section.is_ordered
)


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    # "app_label.codename" permissions granted globally.
    permissions: tuple[str, ...] = ()
    # Actions on every site-content snippet ("add", "change", "publish", …).
    snippet_actions: tuple[str, ...] = ()
    # Drag-and-drop ordering of the ordered snippets (it reorders every locale at once).
    reorders: bool = False
    # Page permissions on the whole page tree (granted at the root page).
    page_actions: tuple[str, ...] = ()
    # Image and document permissions on the root collection ("add_image", …).
    collection_permissions: tuple[str, ...] = field(default=())


EDITORS = Role(
    name="Editors",
    description=(
        "Marketing editors: create, edit and delete site content (announcements, menu, "
        "heroes, partners, footer links, SEO) and pages, and submit them for approval; "
        "upload and edit images and documents; edit the social media settings; submit and "
        "sync translations; refresh the website cache. In every locale. Publishing, "
        "unpublishing and reordering go through approval (or the Publishers group)."
    ),
    permissions=(
        "wagtailadmin.access_admin",
        "cms.work_in_every_locale",
        "wagtail_localize.submit_translation",
        "sitecontent.change_socialmediasettings",
        "cms.refresh_website_cache",
        "cms.add_release",
        "cms.change_release",
        "cms.delete_release",
    ),
    snippet_actions=("add", "change", "delete", "lock", "unlock"),
    page_actions=("add", "change", "lock", "unlock"),
    collection_permissions=(
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtailimages.delete_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ),
)

TRANSLATORS = Role(
    name="Translators",
    description=(
        "Translators: translate site content and pages with wagtail-localize and submit "
        "translations for review in their locale (or publish them, with "
        "CMS_TRANSLATIONS_NEED_REVIEW off), choose images. They cannot delete anything, nor "
        "upload images. Only in the locales of their teams: add each translator to a locale "
        "team group too."
    ),
    permissions=("wagtailadmin.access_admin", "wagtail_localize.submit_translation"),
    # Publishing comes with apply_translation_publishing, when translations need no review.
    snippet_actions=("add", "change"),
    # No page permissions here: those come with each locale team, on that locale's pages.
    collection_permissions=("wagtailimages.choose_image", "wagtaildocs.choose_document"),
)

APPROVERS = Role(
    name="Approvers",
    description=(
        "Approvers: review what editors and translators submit, preview it in the whole site, "
        "approve it (it goes live, or is scheduled) or request changes. Only in the locales "
        "they approve: add each approver to an 'Approvers: <language>' group too. Approving "
        "needs no publish permission."
    ),
    permissions=("wagtailadmin.access_admin", "cms.change_release"),
    # To open an item under review (the task lets only the item's approvers in).
    snippet_actions=("change",),
    collection_permissions=("wagtailimages.choose_image", "wagtaildocs.choose_document"),
)

PUBLISHERS = Role(
    name="Publishers",
    description=(
        "Publishers: publish, unpublish, schedule and reorder without approval (with the "
        "Editors' or Translators' role for the rest). Empty by default: everyone else "
        "submits for approval."
    ),
    permissions=("cms.publish_without_approval", "cms.publish_release"),
    snippet_actions=("publish",),
    reorders=True,
    page_actions=("publish",),
)

ROLES = (EDITORS, TRANSLATORS, APPROVERS, PUBLISHERS)


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _snippet_permissions(role: Role) -> QuerySet[Permission]:
    content_types = ContentType.objects.get_for_models(*SITE_CONTENT_SNIPPETS).values()
    codenames = [f"{action}_{ct.model}" for ct in content_types for action in role.snippet_actions]
    if role.reorders:
        codenames += [f"reorder_{model._meta.model_name}" for model in ORDERED_SNIPPETS]
    found = Permission.objects.filter(content_type__in=content_types, codename__in=codenames)
    if len(found) != len(codenames):
        missing = set(codenames) - {p.codename for p in found}
        raise LookupError(f"Missing snippet permissions: {', '.join(sorted(missing))}")
    return found


def apply_role(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=role.name)
    group.permissions.add(
        *(_permission(name) for name in role.permissions),
        *_snippet_permissions(role),
    )
    root_page = Page.get_first_root_node()
    for action in role.page_actions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root_page, permission=_permission(f"wagtailcore.{action}_page")
        )
    root_collection = Collection.get_first_root_node()
    for name in role.collection_permissions:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=_permission(name)
        )
    return group


# What a locale team may do with the pages of its locale (on the locale's root pages), and
# publish them too when translations need no review.
TEAM_PAGE_ACTIONS = ("add", "change")


def translators_publish() -> bool:
    return not settings.CMS_TRANSLATIONS_NEED_REVIEW


def team_page_actions() -> tuple[str, ...]:
    return (*TEAM_PAGE_ACTIONS, "publish") if translators_publish() else TEAM_PAGE_ACTIONS


def _locale_group_name(role: str, locale: Locale) -> str:
    with translation.override("en"):
        return f"{role}: {locale.get_display_name() or locale.language_code}"


def team_name(locale: Locale) -> str:
    return _locale_group_name("Translators", locale)


def approvers_name(locale: Locale) -> str:
    return _locale_group_name(APPROVERS.name, locale)


def apply_locale_team(locale: Locale) -> "LocaleTeam":
    """The locale's team group, with page permissions on every root page in the locale, and
    who approves its content: its own *Approvers: X* group, or with CMS_APPROVAL_PER_LOCALE
    off the Approvers group itself (an administrator's choice, once made, is kept)."""
    from .models import LocaleTeam

    team = LocaleTeam.objects.filter(locale=locale).select_related("group").first()
    if team is None:
        group, _ = Group.objects.get_or_create(name=team_name(locale))
        team = LocaleTeam.objects.create(locale=locale, group=group)
    if team.approvers_id is None:
        name = approvers_name(locale) if settings.CMS_APPROVAL_PER_LOCALE else APPROVERS.name
        team.approvers, _ = Group.objects.get_or_create(name=name)
        team.save(update_fields=["approvers"])
    workflow = approval_workflow()
    for page in Page.objects.filter(depth=2, locale=locale):
        grant_team_page_permissions(team.group, page)
        if workflow is not None:
            # The nearest assignment wins: this shadows Wagtail's default workflow on the
            # tree's root without touching it.
            WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
    return team


def grant_team_page_permissions(group: Group, page: Page) -> None:
    for action in team_page_actions():
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_permission(f"wagtailcore.{action}_page")
        )


# The workflow site content and the home pages go through (cms.editorial.approval).
APPROVAL_WORKFLOW = "Marketing approval"


def approval_workflow() -> Workflow | None:
    return Workflow.objects.filter(name=APPROVAL_WORKFLOW).first()


def apply_approval_workflow() -> Workflow:
    """The *Marketing approval* workflow, with one step approved by the item's locale
    approvers, assigned to every site-content snippet (and, in apply_locale_team, to each
    locale's home page). Made once: an administrator's later changes in Settings → Workflows
    (another step, an assignment removed) are theirs to keep."""
    from .models import LocaleApprovalTask

    workflow = approval_workflow()
    if workflow is not None:
        return workflow
    workflow = Workflow.objects.create(name=APPROVAL_WORKFLOW)
    task, _ = LocaleApprovalTask.objects.get_or_create(name="Approval in the item's locale")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    approved = (*SITE_CONTENT_SNIPPETS, Release)
    for content_type in ContentType.objects.get_for_models(*approved).values():
        WorkflowContentType.objects.get_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )
    return workflow


def apply_translation_publishing() -> None:
    """Translators publish their translations directly only while translations need no
    review (CMS_TRANSLATIONS_NEED_REVIEW off): the Translators' snippet publish and the
    teams' page publish follow the setting, granted or taken back on every migrate."""
    translators = Group.objects.get(name=TRANSLATORS.name)
    publish = Permission.objects.filter(
        content_type__in=ContentType.objects.get_for_models(*SITE_CONTENT_SNIPPETS).values(),
        codename__startswith="publish_",
    )
    if translators_publish():
        translators.permissions.add(*publish)
        return  # the teams' page publish comes with apply_locale_team
    translators.permissions.remove(*publish)
    GroupPagePermission.objects.filter(
        group__locale_team__isnull=False, permission=_permission("wagtailcore.publish_page")
    ).delete()


def apply_roles() -> list[Group]:
    groups = [apply_role(role) for role in ROLES]
    apply_translation_publishing()
    apply_approval_workflow()
    for locale in Locale.objects.all():
        apply_locale_team(locale)
    return groups


def ensure_roles_after_migrate(
    sender: Any,
    using: str = "default",
    plan: list[tuple[Any, bool]] | None = None,
    **kwargs: Any,
) -> None:
    # Skip a migrate that only unapplied migrations (rolling back), where tables may be gone.
    if plan and all(backwards for _, backwards in plan):
        return
    if Page.get_first_root_node() is None:
        return
    apply_roles()


def give_new_locale_a_team(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        apply_locale_team(instance)


def give_team_a_new_locale_root(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    # A locale's root page (depth 2) appears when the home page is first translated into it.
    if created and not raw and instance.depth == 2:
        apply_locale_team(instance.locale)


def register_signal_handlers() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate, post_save
    from wagtail.models import get_page_models

    post_save.connect(give_new_locale_a_team, sender=Locale, dispatch_uid="editorial.locale_team")
    for model in get_page_models():
        post_save.connect(
            give_team_a_new_locale_root, sender=model, dispatch_uid="editorial.locale_root"
        )
    # cms comes last in INSTALLED_APPS, so every permission (Wagtail's extra snippet
    # permissions included) exists by the time this runs.
    post_migrate.connect(
        ensure_roles_after_migrate,
        sender=apps.get_app_config("cms"),
        dispatch_uid="editorial.ensure_roles",
    )
