"""The website's shared content: navigation, heroes, partners, footer links, announcements and
SEO.

Every item exists once per locale (TranslatableMixin: one row per language, tied together by a
translation key) and goes through drafts, revisions and publishing. `translatable_fields` says,
for wagtail-localize, what a translator translates and what follows the source item.
"""

from .announcements import Announcement
from .base import SITE_PREVIEW, Link, OrderedSiteContent, SiteContent
from .navigation import FooterLink, MenuItem
from .promotion import Hero, Partner
from .seo import SiteSeo, SocialMediaSettings

__all__ = [
    "SITE_PREVIEW",
    "Announcement",
    "FooterLink",
    "Hero",
    "Link",
    "MenuItem",
    "OrderedSiteContent",
    "Partner",
    "SiteContent",
    "SiteSeo",
    "SocialMediaSettings",
]
