"""How the home page section of the website-data payload is built (see sitecontent.serializers
for the build context it receives)."""

from wagtail.rich_text import expand_db_html

from .models import HomePage


def build_home(context):
    # Never a page behind a view restriction (a password, a login): the payload is public.
    pages = context.with_image(HomePage.objects.public(), "og_image")
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
        "fallback_locale": context.fallback_of(page),
    }
