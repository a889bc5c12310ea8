"""Previews of draft site content, built by the payload builder the API serves.

In the admin, previewing a draft menu item, hero, partner, footer link or SEO entry renders
the whole site chrome from the website-data payload with that draft applied (sitecontent's
"site" preview mode). A headless frontend gets the same payload from
`/api/website-data/?preview=<token>`: the token is a short-lived signed reference to one saved
draft revision, handed out in the admin. Previews never read or write the cache.
"""

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import Model
from wagtail.models import Revision
from wagtail.permissions import policy_registry

from cms.cache.stores import Entry
from cms.delivery.locales import default_locale
from cms.delivery.payload import build_preview
from cms.delivery.sections import SECTIONS, Section
from cms.releases.as_of import LaunchFailed, payload_as_of
from cms.releases.models import Release
from sitecontent.models import SiteContent

# What can be previewed with a token: a draft of site content, or a release (the website as
# of the release, in any locale).
PREVIEWABLE = (SiteContent, Release)

SALT = "cms.preview"


class PreviewTokenError(Exception):
    """A token that was forged, mangled or has expired: the message says which."""


class DraftGone(Exception):
    """The token is genuine, but the revision it names has been deleted since."""


class CannotApply(Exception):
    """The token names a release that could not go live as it is: the message says why."""


@dataclass(frozen=True)
class PreviewToken:
    token: str
    revision: Revision
    expires_at: datetime


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def may_preview(user: AbstractBaseUser | AnonymousUser, instance: Model | None) -> bool:
    """Tokens are handed to those who may edit the item (in its locale: see
    cms.editorial.locale_access), or the release."""
    if not isinstance(instance, PREVIEWABLE) or instance.pk is None:
        return False
    policy = policy_registry.get_by_type(type(instance))
    return cast(bool, policy.user_has_permission_for_instance(user, "change", instance))


def issue_token(instance: SiteContent | Release) -> PreviewToken:
    """A token for the instance's latest saved revision, valid CMS_PREVIEW_TOKEN_MAX_AGE s."""
    revision = instance.latest_revision
    if revision is None:
        raise ValueError("Save a draft first: a preview token names a saved revision.")
    expires = int(time.time()) + settings.CMS_PREVIEW_TOKEN_MAX_AGE
    token = _signer().sign_object({"revision": revision.pk, "expires": expires})
    return PreviewToken(token, revision, datetime.fromtimestamp(expires, UTC))


def read_token(token: str) -> tuple[SiteContent | Release, dict[str, Any]]:
    """(draft object, preview info for the payload) from a token."""
    try:
        value = _signer().unsign_object(token, max_age=settings.CMS_PREVIEW_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise PreviewTokenError(
            "The preview token has expired: get a new one from the CMS."
        ) from None
    except signing.BadSignature:
        raise PreviewTokenError("Invalid preview token.") from None
    revision = Revision.objects.filter(pk=value["revision"]).first()
    draft = revision.as_object() if revision else None
    if not isinstance(draft, PREVIEWABLE):
        raise DraftGone("The previewed draft no longer exists.")
    info = {
        "type": draft._meta.model_name,
        "id": draft.pk,
        # A release is in every locale: it is previewed in the default one unless asked.
        "locale": draft.locale.language_code
        if isinstance(draft, SiteContent)
        else default_locale(),
        "revision": revision.pk,
        "expires_at": datetime.fromtimestamp(value["expires"], UTC).isoformat(),
    }
    return draft, info


def preview_payload(
    token: str, locale_code: str | None, sections: Sequence[Section]
) -> tuple[Entry, str]:
    """The payload entry for `locale_code` (the draft's own locale when None) with the token's
    draft applied, and the locale it is in."""
    draft, info = read_token(token)
    code = locale_code or info["locale"]
    if isinstance(draft, Release):
        try:
            return payload_as_of(draft, code, sections, {**info, "locale": code}), code
        except LaunchFailed as failure:
            raise CannotApply(str(failure)) from failure
    return build_preview(code, sections, draft, info), code


def site_preview_data(draft: SiteContent) -> Any:
    """The whole payload's data, as a dict, in the draft's locale with the draft applied: what
    the admin's "site" preview renders."""
    entry = build_preview(draft.locale.language_code, list(SECTIONS), draft, None)
    return json.loads(entry.body)
