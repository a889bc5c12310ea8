"""The reference site: each locale's home page (/en/, /ar/) with the whole website around it,
and the admin's whole-site previews (of a draft, or of a release), rendered by one set of
templates (cms/templates/cms/site/) from the website-data payload and nothing else, as a
frontend renders it from
/api/website-data/. It is what a frontend team copies, and what previews show.

home and sitecontent ask for it as providers (home.models.RENDER_PAGE,
sitecontent.models.SITE_PREVIEW), registered in cms.wagtail_hooks.

The public page reads the payload the API serves, from the same cache (cms.delivery.payload):
an anonymous request makes no rendition and runs no query for the content. Previews build the
payload with the draft applied, never cached, as the API's preview tokens do.
"""

import json
from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse
from wagtail.models import Page

from sitecontent.models import SiteContent

from .delivery.payload import build_preview, get_website_data
from .delivery.sections import SECTIONS, showing
from .editorial.preview import site_preview_data
from .releases.as_of import LaunchFailed, payload_as_of
from .releases.models import Release

TEMPLATE = "cms/site/page.html"


def render_home_page(request: HttpRequest, page: Page, preview: bool) -> TemplateResponse:
    """The home page of the page's locale: the cached payload, or with `preview`, the payload
    with this (unsaved) version of the page applied."""
    locale_code = page.locale.language_code
    if preview:
        entry = build_preview(locale_code, SECTIONS, page, None)
    else:
        entry = get_website_data(locale_code).entry
    return render_website(request, json.loads(entry.body), preview=preview)


def render_site_preview(request: HttpRequest, draft: SiteContent) -> TemplateResponse:
    """The website in the draft's locale with the draft applied, the draft outlined."""
    previewed = {section.field: draft.pk for section in showing(type(draft))}
    return render_website(request, site_preview_data(draft), preview=True, previewed=previewed)


def render_release_preview(
    request: HttpRequest, release: Release, locale_code: str
) -> TemplateResponse:
    """The website in `locale_code` as it will be once the release (as the editor has it) is
    live; or why it could not go live."""
    try:
        entry = payload_as_of(release, locale_code, SECTIONS, None)
    except LaunchFailed as failure:
        return TemplateResponse(
            request, "cms/releases/preview_failed.html", {"release": release, "failure": failure}
        )
    return render_website(request, json.loads(entry.body), preview=True)


def render_website(
    request: HttpRequest,
    website: dict[str, Any],
    preview: bool = False,
    previewed: dict[str, Any] | None = None,
) -> TemplateResponse:
    """`website`: the payload's `data`. `previewed`: {payload section: id of the draft shown in
    it}, for the outline."""
    context = {
        "website": website,
        # Payload URLs of pages are paths: canonical and hreflang links want them absolute.
        "origin": request.build_absolute_uri("/").rstrip("/"),
        "preview": preview,
        "previewed": previewed or {},
    }
    return TemplateResponse(request, TEMPLATE, context)
