"""Who may work in which locale.

Wagtail's permissions say what someone may do with a kind of content ("change heroes",
"publish pages"); this module adds *where*. Editors and superusers work in every locale (the
`cms.work_in_every_locale` permission); everyone else only in the locales of the teams
(`LocaleTeam` groups) they belong to. It is enforced on the server at every way in:

- site content: sitecontent's `LocaleScopedPermissionPolicy` answers Wagtail's per-object
  checks, and the snippet views that load or create an object ask it; it learns where a user
  works from `locales_of_user` (registered as a hook in cms.wagtail_hooks);
- pages: each team's group holds page permissions on its locale's root pages only, which
  Wagtail's page permission policy enforces by itself (`cms.editorial.roles.apply_locale_team`);
- at the admin's door, `cms.middleware.LocaleAccessMiddleware` refuses with 403 any write
  (POST, PUT, DELETE) to site content, pages or wagtail-localize's endpoints (which check
  only the kind of content) in a locale the user does not work in. Wagtail itself would
  answer a refused POST with a redirect to the dashboard; a direct request gets a plain 403.
"""

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.http import HttpRequest
from django.urls import ResolverMatch
from wagtail.permissions import policy_registry

from sitecontent.permissions import LocaleScopedPermissionPolicy

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

EVERY_LOCALE_PERMISSION = "cms.work_in_every_locale"


def works_in_every_locale(user: User | AnonymousUser) -> bool:
    return user.is_active and user.has_perm(EVERY_LOCALE_PERMISSION)


def team_locale_ids(user: User | AnonymousUser) -> frozenset[int]:
    """Ids of the locales of the user's teams, as a member or as one of its approvers
    (remembered on the user for the request)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_team_locale_ids"):
        from django.db.models import Q

        from .models import LocaleTeam

        # Remembered on the user object itself, which declares no such attribute.
        user._team_locale_ids = frozenset(  # type: ignore[attr-defined]
            LocaleTeam.objects.filter(Q(group__user=user) | Q(approvers__user=user))
            .values_list("locale_id", flat=True)
            .distinct()
        )
    return cast(frozenset[int], user._team_locale_ids)  # type: ignore[attr-defined]


def can_work_in(user: User | AnonymousUser, locale_id: int) -> bool:
    return works_in_every_locale(user) or (user.is_active and locale_id in team_locale_ids(user))


def locales_of_user(user: User | AnonymousUser) -> frozenset[int] | None:
    """The locale ids `user` works in, None for every locale: the answer site content's
    permission policy asks for (sitecontent.permissions, through a hook)."""
    return None if works_in_every_locale(user) else team_locale_ids(user)


# What an admin request writes, in which locales. Only unsafe methods write: reading (opening
# an English source to translate from it, previews, PO downloads, reports) is never scoped.


# Each takes the request and the URL's keyword arguments, and returns the ids of the locales
# the request writes in.
LocaleLookup = Callable[[HttpRequest, dict[str, Any]], Iterable[int]]


def _translation_target(request: HttpRequest, kwargs: dict[str, Any]) -> Any:
    from wagtail_localize.models import Translation

    return Translation.objects.filter(pk=kwargs["translation_id"]).values_list(
        "target_locale_id", flat=True
    )


def _submitted_locales(request: HttpRequest, kwargs: dict[str, Any]) -> list[int]:
    return [int(value) for value in request.POST.getlist("locales") if value.isdigit()]


def _synced_locales(request: HttpRequest, kwargs: dict[str, Any]) -> list[int]:
    from wagtail_localize.models import TranslationSource

    source = TranslationSource.objects.filter(pk=kwargs["translation_source_id"]).first()
    if source is None:
        return []  # the view answers 404
    targets = source.translations.filter(enabled=True).values_list("target_locale_id", flat=True)
    return [source.locale_id, *targets]


def _page_locale(request: HttpRequest, kwargs: dict[str, Any]) -> Any:
    from wagtail.models import Page

    page_id = kwargs.get("page_id") or kwargs.get("parent_page_id")
    if page_id is None:
        return []
    return Page.objects.filter(pk=page_id).values_list("locale_id", flat=True)


# wagtail-localize's endpoints check only the kind of content, never the locale.
LOCALIZE_WRITES: dict[str | None, LocaleLookup] = {  # by URL name (None for unnamed URLs)
    "edit_string_translation": _translation_target,
    "edit_override": _translation_target,
    "upload_pofile": _translation_target,
    "machine_translate": _translation_target,
    "stop_translation": _translation_target,
    "submit_page_translation": _submitted_locales,
    "submit_snippet_translation": _submitted_locales,
    "update_translations": _synced_locales,
    "convert_to_alias": _page_locale,
}


def scoped_model(match: ResolverMatch) -> type[Model] | None:
    """The site-content model an admin view works on, if its locale is scoped."""
    model = getattr(match.func, "view_initkwargs", {}).get("model")
    if model is None:
        return None
    policy = policy_registry.get_by_type(model, fallback=False)
    return model if isinstance(policy, LocaleScopedPermissionPolicy) else None


def _object_locale(
    request: HttpRequest, model: type[Model], url_name: str | None, kwargs: dict[str, Any]
) -> Any:
    from wagtail.models import Locale

    if url_name == "reorder":  # moves the item's whole translation group: every locale
        return Locale.objects.values_list("pk", flat=True)
    if "pk" in kwargs:
        return model._default_manager.filter(pk=unquote(str(kwargs["pk"]))).values_list(
            "locale_id", flat=True
        )
    # Creating: the locale comes from ?locale=, as in Wagtail's create view.
    code = request.GET.get("locale")
    locale = Locale.objects.filter(language_code=code).first() if code else Locale.get_default()
    return [locale.pk] if locale else []


def written_locales(request: HttpRequest, match: ResolverMatch) -> Any:
    if "wagtail_localize" in match.namespaces:
        lookup: LocaleLookup = LOCALIZE_WRITES.get(match.url_name, lambda *args: [])
        return lookup(request, match.kwargs)
    if "wagtailadmin_pages" in match.namespaces:
        return _page_locale(request, match.kwargs)
    if model := scoped_model(match):
        return _object_locale(request, model, match.url_name, match.kwargs)
    return []


def may_write(request: HttpRequest, match: ResolverMatch) -> bool:
    """Whether the user works in every locale this (unsafe-method) admin request would write
    in."""
    if works_in_every_locale(request.user):
        return True
    return all(
        can_work_in(request.user, locale_id) for locale_id in written_locales(request, match)
    )
