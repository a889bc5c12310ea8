"""How each site-content section of the website-data payload is built.

Each builder takes a build context (cms.delivery.build.BuildContext) that picks the items of the
requested locale with their default-locale fallbacks, resolves page links and serialises
images, and returns plain JSON-ready data in editors' order. Every builder runs a fixed number
of queries, however many items there are.
"""

from .models import (
    Announcement,
    FooterLink,
    Hero,
    MenuItem,
    Partner,
    SiteSeo,
    SocialMediaSettings,
)


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
    items = context.localized(MenuItem.objects.select_related("parent"))
    links = context.links(items)
    by_key = {}
    menu = []
    for item in items:
        if item.pk not in links:
            continue  # its page is not published anywhere: no link to render
        entry = {
            "id": item.pk,
            "label": item.label,
            **links[item.pk],
            "children": [],
            "fallback_locale": context.fallback_of(item),
        }
        by_key[item.translation_key] = entry
        if item.parent is None:
            menu.append(entry)
    for item in items:
        if item.parent is not None and item.pk in links:
            parent = by_key.get(item.parent.translation_key)
            if parent is not None:  # under an unpublished parent: hidden with it
                entry = by_key[item.translation_key]
                del entry["children"]
                parent["children"].append(entry)
    return menu


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
