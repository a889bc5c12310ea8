"""When content changes, forget exactly the cached sections it appears in.

Every handler works out the affected (locale, section) keys while the change's transaction is
open, and purges them once it commits (transaction.on_commit), so a reader can never re-cache
the row as it was before the commit.

Snippet changes are caught at the row (pre_save / post_save / post_delete) rather than through
Wagtail's published / unpublished signals, because not every change to live content sends
those: wagtail-localize syncing a live translation as a draft saves it with live=False, and
reordering writes with QuerySet.update (sitecontent sends `reordered` for that). Pages use
Wagtail's page signals; images and settings their post_save / post_delete.
"""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.models import HomePage
from sitecontent.models import FooterLink, Hero, MenuItem, Partner, SiteSeo, SocialMediaSettings
from sitecontent.signals import reordered

from .cache import WEBSITE_DATA, cache_key, website_cache

SNIPPET_SECTIONS = {
    MenuItem: "menu_items",
    Hero: "heroes",
    Partner: "partners",
    FooterLink: "footer_links",
    SiteSeo: "seo_data",
}
# Sections whose items link to pages, so a page's URL appears in them.
PAGE_LINK_SECTIONS = {MenuItem: "menu_items", Hero: "heroes", FooterLink: "footer_links"}
# (model, image field, section) for every image the payload shows.
IMAGE_USES = [
    (Hero, "background_image", "heroes"),
    (Partner, "logo", "partners"),
    (SiteSeo, "og_image", "seo_data"),
    (HomePage, "og_image", "home_page"),
]
# Saves that only touch Wagtail's bookkeeping, never what the payload shows.
BOOKKEEPING_FIELDS = frozenset(
    {"latest_revision", "has_unpublished_changes", "locked", "locked_at", "locked_by"}
)


def all_locales():
    return [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES]


def showing_locales(model, translation_key, locale_code):
    """Locales whose payload shows this item (or page): its own and, for the default locale,
    those where it has no live translation (they fall back to it)."""
    if locale_code != settings.LANGUAGE_CODE:
        return {locale_code}
    translated = set(
        model.objects.filter(translation_key=translation_key, live=True)
        .exclude(locale__language_code=locale_code)
        .values_list("locale__language_code", flat=True)
    )
    return {code for code in all_locales() if code not in translated}


def showing_locales_of_all(model, items):
    """The union of showing_locales over (translation_key, locale code) pairs."""
    return {
        code
        for translation_key, locale_code in set(items)
        for code in showing_locales(model, translation_key, locale_code)
    }


def purge_after_commit(section, locale_codes):
    keys = [
        cache_key(code, name) for code in sorted(locale_codes) for name in (section, WEBSITE_DATA)
    ]
    if keys:
        transaction.on_commit(partial(website_cache.purge, keys))


# Site-content snippets


def remember_live_state(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    instance._was_live = (
        instance.pk is not None and sender.objects.filter(pk=instance.pk, live=True).exists()
    )


def site_content_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    if instance.live or getattr(instance, "_was_live", False):
        site_content_changed(sender, instance)


def site_content_changed(sender, instance, **kwargs):
    """A live item changed, went live, went offline, or was deleted."""
    locales = showing_locales(sender, instance.translation_key, instance.locale.language_code)
    purge_after_commit(SNIPPET_SECTIONS[sender], locales)


def site_content_reordered(sender, translation_keys, **kwargs):
    # Reordering moves every locale's rows at once. It sends after commit already.
    section = SNIPPET_SECTIONS[sender]
    website_cache.purge(
        [cache_key(code, name) for code in all_locales() for name in (section, WEBSITE_DATA)]
    )


# Pages


def page_changed(sender, instance, **kwargs):
    """A page was published, unpublished (deleting a live page sends this too) or moved: its
    URL, and its descendants', may have changed."""
    page = instance
    # Where links to this page's translation group resolve to this very page: its own locale,
    # and the locales without a live translation of it (links fall back to the linked page).
    resolving_here = showing_locales(Page, page.translation_key, page.locale.language_code)
    if issubclass(page.specific_class, HomePage):
        purge_after_commit("home_page", resolving_here)
    group_keys = Page.objects.descendant_of(page, inclusive=True).values("translation_key")
    for model, section in PAGE_LINK_SECTIONS.items():
        linking = model.objects.filter(
            link_page__translation_key__in=group_keys,
            locale__language_code__in=resolving_here,
        ).values_list("translation_key", "locale__language_code")
        purge_after_commit(section, showing_locales_of_all(model, linking))


def page_moved(sender, instance, **kwargs):
    page_changed(sender, Page.objects.get(pk=instance.pk))  # with its new tree path


# Images and settings


def image_changed(sender, instance, **kwargs):
    """A new file, focal point, alt text, or a deleted image: every section that shows it."""
    for model, field, section in IMAGE_USES:
        users = model.objects.filter(**{field: instance}).values_list(
            "translation_key", "locale__language_code"
        )
        purge_after_commit(section, showing_locales_of_all(model, users))
    if SocialMediaSettings.objects.filter(default_share_image=instance).exists():
        purge_after_commit("seo_data", all_locales())


def image_deleted(sender, instance, **kwargs):
    # Runs before the delete (pre_delete), while rows still point at the image.
    image_changed(sender, instance)


def settings_saved(sender, instance, **kwargs):
    purge_after_commit("seo_data", all_locales())


def register_signal_handlers():
    for model in SNIPPET_SECTIONS:
        pre_save.connect(remember_live_state, sender=model)
        post_save.connect(site_content_saved, sender=model)
        post_delete.connect(site_content_changed, sender=model)
        reordered.connect(site_content_reordered, sender=model)
    page_published.connect(page_changed)
    page_unpublished.connect(page_changed)
    post_page_move.connect(page_moved)
    image_model = get_image_model()
    post_save.connect(image_changed, sender=image_model)
    pre_delete.connect(image_deleted, sender=image_model)
    post_save.connect(settings_saved, sender=SocialMediaSettings)
