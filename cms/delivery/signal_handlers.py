"""When content changes, forget exactly the cached sections it appears in.

What each section shows comes from the registry (cms.delivery.sections): its model, the pages
its items link to, its images, its settings. Every handler works out the affected
(locale, section) pairs while the change's transaction is open, and purges them once it
commits (transaction.on_commit), so a reader can never re-cache the row as it was before the
commit.

What is purged, and in which order, is cms.delivery.propagation's business.

Snippet changes are caught at the row (pre_save / post_save / post_delete) rather than through
Wagtail's published / unpublished signals, because not every change to live content sends
those: wagtail-localize syncing a live translation as a draft saves it with live=False, and
reordering writes with QuerySet.update (sitecontent sends `reordering` for that, within its
transaction). Pages use
Wagtail's page signals; images and settings their post_save / post_delete.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.delivery import propagation
from cms.delivery.locales import default_locale, supported_locales
from cms.delivery.sections import SECTIONS, Section, showing, with_settings
from cms.images.preparing import prepared as image_prepared
from sitecontent.signals import reordering

# Saves that only touch Wagtail's bookkeeping, never what the payload shows.
BOOKKEEPING_FIELDS = frozenset(
    {"latest_revision", "has_unpublished_changes", "locked", "locked_at", "locked_by"}
)


def showing_locales(model: type[Model], translation_key: Any, locale_code: str) -> set[str]:
    """Locales whose payload shows this item (or page): its own and, for the default locale,
    those where it has no live translation (they fall back to it)."""
    if locale_code != default_locale():
        return {locale_code}
    translated = set(
        model._default_manager.filter(translation_key=translation_key, live=True)
        .exclude(locale__language_code=locale_code)
        .values_list("locale__language_code", flat=True)
    )
    return {code for code in supported_locales() if code not in translated}


def showing_locales_of_all(model: type[Model], items: Iterable[tuple[Any, str]]) -> set[str]:
    """The union of showing_locales over (translation_key, locale code) pairs."""
    return {
        code
        for translation_key, locale_code in set(items)
        for code in showing_locales(model, translation_key, locale_code)
    }


def purge_after_commit(
    sections: Iterable[Section], locale_codes: Iterable[str], item: Model | None = None
) -> None:
    """Forget these sections, in every cache, once the change (of `item`) commits."""
    propagation.after_commit(list(sections), set(locale_codes), item)


# Site-content snippets


def _bookkeeping_only(update_fields: Iterable[str] | None) -> bool:
    return update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS


def remember_live_state(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if _bookkeeping_only(kwargs.get("update_fields")):
        return
    instance._was_live = (
        instance.pk is not None
        and sender._default_manager.filter(pk=instance.pk, live=True).exists()
    )


def site_content_saved(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if _bookkeeping_only(kwargs.get("update_fields")):
        return
    if instance.live or getattr(instance, "_was_live", False):
        site_content_changed(sender, instance)


def site_content_changed(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    """A live item changed, went live, went offline, or was deleted."""
    locales = showing_locales(sender, instance.translation_key, instance.locale.language_code)
    purge_after_commit(showing(sender), locales, instance)


def site_content_reordering(sender: type[Model], translation_keys: Any, **kwargs: Any) -> None:
    # Inside the reordering's transaction, like any change; it moves every locale's rows.
    purge_after_commit(showing(sender), supported_locales())


# Pages


def page_changed(sender: Any, instance: Page, **kwargs: Any) -> None:
    """A page was published, unpublished (deleting a live page sends this too) or moved: its
    URL, and its descendants', may have changed."""
    page = instance
    # Where links to this page's translation group resolve to this very page: its own locale,
    # and the locales without a live translation of it (links fall back to the linked page).
    resolving_here = showing_locales(Page, page.translation_key, page.locale.language_code)
    # A section listing the page's translations (hreflang) changes in every locale when this
    # translation comes or goes; a new version of a live page changes only its own.
    came_or_went = kwargs.get("signal") is not page_published or not getattr(
        page, "_was_live", False
    )
    for section in showing(page.specific_class):
        every = section.lists_translations and came_or_went
        purge_after_commit([section], supported_locales() if every else resolving_here, page)
    group_keys = Page.objects.descendant_of(page, inclusive=True).values("translation_key")
    for section in SECTIONS:
        if section.links_to_pages:
            linking = section.model._default_manager.filter(
                link_page__translation_key__in=group_keys,
                locale__language_code__in=resolving_here,
            ).values_list("translation_key", "locale__language_code")
            purge_after_commit([section], showing_locales_of_all(section.model, linking))


def page_moved(sender: Any, instance: Page, **kwargs: Any) -> None:
    page_changed(sender, Page.objects.get(pk=instance.pk))  # with its new tree path


def view_restriction_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A page (and what is under it) became private or public again."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        page_changed(sender, page)  # the page and the links to it or anything under it


# Images and settings


def image_changed(sender: Any, instance: Model, **kwargs: Any) -> None:
    """A new file, focal point, alt text, or a deleted image: every section that shows it."""
    for section in SECTIONS:
        for model, field in section.image_fields:
            users = model._default_manager.filter(**{field: instance})
            if model in section.settings:
                if users.exists():
                    purge_after_commit([section], supported_locales(), instance)
            else:
                rows = users.values_list("translation_key", "locale__language_code")
                purge_after_commit([section], showing_locales_of_all(model, rows), instance)


def image_deleted(sender: Any, instance: Model, **kwargs: Any) -> None:
    # Runs before the delete (pre_delete), while rows still point at the image.
    image_changed(sender, instance)


def settings_saved(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    purge_after_commit(with_settings(sender), supported_locales(), instance)


def register_signal_handlers() -> None:
    for section in SECTIONS:
        if not section.shows_pages:
            model = section.model
            _connect(pre_save, remember_live_state, model)
            _connect(post_save, site_content_saved, model)
            _connect(post_delete, site_content_changed, model)
            _connect(reordering, site_content_reordering, model)
        elif section.lists_translations:
            # page_changed tells a page that comes or goes from a new version of a live one.
            _connect(pre_save, remember_live_state, section.model)
        for settings_model in section.settings:
            _connect(post_save, settings_saved, settings_model)
    _connect(page_published, page_changed)
    _connect(page_unpublished, page_changed)
    _connect(post_page_move, page_moved)
    _connect(post_save, view_restriction_changed, PageViewRestriction)
    _connect(post_delete, view_restriction_changed, PageViewRestriction)
    image_model = get_image_model()
    _connect(post_save, image_changed, image_model)
    _connect(pre_delete, image_deleted, image_model)
    _connect(image_prepared, image_changed, image_model)  # its new renditions exist


def _connect(
    signal: Signal, handler: Callable[..., None], sender: type[Model] | None = None
) -> None:
    """Once, however often it is called: a signal keeps one receiver per uid and sender."""
    signal.connect(handler, sender=sender, dispatch_uid=f"delivery.{handler.__name__}")
