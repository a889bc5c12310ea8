"""How each site-content section of the website-data payload is built.

Each builder takes a build context (cms.delivery.build.BuildContext) that picks the items of the
requested locale with their default-locale fallbacks, resolves page links and serialises
images, and returns plain JSON-ready data in editors' order. Every builder runs a fixed number
of queries, however many items there are.
"""

import logging

from .models import (
    Announcement,
    FooterLink,
    Hero,
    MenuItem,
    Partner,
    SiteSeo,
    SocialMediaSettings,
)

logger = logging.getLogger(__name__)


def build_announcement(context):
    """The first announcement, in editors' order, that is shown now; None when there is none.
    The section is cached only until the next start or end (context.changes_at)."""
    announcements = context.localized(Announcement.objects.all())
    for announcement in announcements:
        for moment in (announcement.starts_at, announcement.ends_at):
            if moment is not None:
                context.changes_at(moment)
    # A previewed draft shows whatever its times, so editors see it before it starts.
    shown = next(
        (a for a in announcements if a is context.draft or a.is_shown_at(context.now)), None
    )
    if shown is None:
        return None
    link = context.links([shown]).get(shown.pk)
    return {
        "id": shown.pk,
        "message": shown.message,
        "tone": shown.tone,
        "link": {"label": shown.link_label, **link} if link and shown.link_label else None,
        "starts_at": _iso(shown.starts_at),
        "ends_at": _iso(shown.ends_at),
        "fallback_locale": context.fallback_of(shown),
    }


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def build_menu(context):
    """The menu, one level deep. The database can hold deeper nesting (two edits, each valid
    against the other's old state) and even a loop: an item under a child is lifted to sit
    under its top-level ancestor, and items in a loop, with no top-level ancestor, are left
    out (logged, and the item's form tells the editor what to fix)."""
    items = context.localized(MenuItem.objects.select_related("parent"))
    links = context.links(items)
    shown = [item for item in items if item.pk in links]  # unpublished pages: no link
    parent_of = {
        item.translation_key: item.parent.translation_key if item.parent else None
        for item in shown
    }
    entries = {}  # translation key: (its top-level ancestor's key, the item's entry)
    for item in shown:
        top = _top_level_ancestor(item.translation_key, parent_of)
        if top is None:  # under an unpublished parent (hidden with it), or in a loop
            continue
        entry = {
            "id": item.pk,
            "label": item.label,
            **links[item.pk],
            "children": [],
            "fallback_locale": context.fallback_of(item),
        }
        if top != item.translation_key:
            del entry["children"]
        entries[item.translation_key] = (top, entry)
    menu = []
    for key, (top, entry) in entries.items():
        if top == key:
            menu.append(entry)
            continue
        if parent_of[key] != top:
            logger.warning("Menu item %s is nested too deep: shown one level down", entry["id"])
        entries[top][1]["children"].append(entry)
    return menu


def _top_level_ancestor(key, parent_of):
    """The top-level item `key` hangs from, following parents; None when a parent is not
    shown or the parents loop."""
    seen = set()
    while (parent := parent_of[key]) is not None:
        if parent not in parent_of or parent in seen:
            if parent in seen:
                logger.warning("Menu items loop through %s: left out", key)
            return None
        seen.add(key)
        key = parent
    return key


def build_heroes(context):
    heroes = context.localized(context.with_image(Hero.objects.all(), "background_image"))
    links = context.links(heroes)
    return [
        {
            "id": hero.pk,
            "title": hero.title,
            "description": hero.description,
            "button": (
                {"label": hero.button_label, **links[hero.pk]}
                if hero.button_label and hero.pk in links
                else None
            ),
            "image": context.image(
                hero.background_image,
                "hero",
                alt=hero.alt_text(),
                decorative=hero.image_is_decorative,
            ),
            "fallback_locale": context.fallback_of(hero),
        }
        for hero in heroes
    ]


def build_partners(context):
    partners = context.localized(context.with_image(Partner.objects.all(), "logo"))
    return [
        {
            "id": partner.pk,
            "name": partner.name,
            "url": partner.website_url or None,
            "logo": context.image(
                partner.logo,
                "logo",
                alt=partner.alt_text(fallback=partner.name),
                decorative=partner.image_is_decorative,
            ),
            "fallback_locale": context.fallback_of(partner),
        }
        for partner in partners
        if partner.logo is not None
    ]


def build_footer(context):
    footer_links = context.localized(FooterLink.objects.all())
    links = context.links(footer_links)
    return [
        {
            "id": link.pk,
            "key": link.key,
            "label": link.label,
            "group": link.group or None,
            "url": links[link.pk]["url"],
            "is_external": link.opens_externally,
            "fallback_locale": context.fallback_of(link),
        }
        for link in footer_links
        if link.pk in links
    ]


SOCIAL = ("x_handle", "facebook_url", "instagram_url", "linkedin_url", "youtube_url")


def build_seo(context):
    seo = next(
        iter(context.localized(context.with_image(SiteSeo.objects.all(), "og_image"))), None
    )
    social = (
        context.with_image(SocialMediaSettings.objects.all(), "default_share_image")
        .filter(site__is_default_site=True)
        .first()
    )
    share_image = (seo and seo.og_image) or (social and social.default_share_image)
    return {
        "site_name": seo.site_name if seo else None,
        "title": seo.default_title if seo else None,
        "description": seo.description if seo else None,
        "keywords": seo.keyword_list if seo else [],
        "og_image": context.image(share_image, "share"),
        "social": {name: (getattr(social, name) or None) if social else None for name in SOCIAL},
        "fallback_locale": context.fallback_of(seo) if seo else None,
    }
