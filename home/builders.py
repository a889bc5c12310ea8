"""How the home page section of the website-data payload is built (see sitecontent.builders
for the build context it receives)."""

from django.conf import settings
from wagtail.rich_text import expand_db_html

from .models import HomePage

# hreflang's name for the page shown to readers whose language has no version of their own.
X_DEFAULT = "x-default"


def build_home(context):
    # Never a page behind a view restriction (a password, a login): the payload is public.
    public = HomePage.objects.public()
    pages = context.with_image(public, "og_image")
    page = next(iter(context.localized(pages)), None)
    if page is None:
        return None
    return {
        "id": page.pk,
        "title": page.title,
        "url": context.page_path(page),
        "heading": page.heading or page.title,
        "intro": expand_db_html(page.intro),
        "seo_title": page.get_seo_title(),
        "seo_description": page.search_description,
        "og_image": context.image(page.og_image, "share"),
        "alternates": alternates(context, public, page),
        "fallback_locale": context.fallback_of(page),
    }


def alternates(context, public, page):
    """The page in each language it is live in (in the order of the settings' languages), then
    `x-default`, the default locale's: what <link rel="alternate" hreflang="…" href="…"> and a
    language switcher need, e.g. [{"hreflang": "en", "url": "/en/"}, {"hreflang": "ar", …},
    {"hreflang": "x-default", "url": "/en/"}]. One query."""
    translations = public.live().filter(translation_key=page.translation_key)
    urls = {
        translation.locale.language_code: context.page_path(translation)
        for translation in translations.select_related("locale")
    }
    found = [
        {"hreflang": code, "url": urls[code]}
        for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES
        if urls.get(code)
    ]
    default = urls.get(context.default_locale.language_code)
    if default:
        found.append({"hreflang": X_DEFAULT, "url": default})
    return found
