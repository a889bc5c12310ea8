"""{% load reference_site_tags %}: the two things the reference site's templates (cms/templates/
cms/site/) do with the payload that Django's own tags and filters do not."""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
def lang_attrs(item: dict[str, Any] | None) -> SafeString | str:
    """` lang="en" dir="ltr"` for an item the payload serves in another language than its own
    (`fallback_locale`: it has no translation yet), so that browsers, screen readers and
    hyphenation treat its text as the language it is in; "" for every other item."""
    code = (item or {}).get("fallback_locale")
    if not code:
        return ""
    return format_html(
        ' lang="{}" dir="{}"', code, "rtl" if get_language_info(code)["bidi"] else "ltr"
    )


@register.filter
def grouped(items: Iterable[dict[str, Any]], key: str) -> list[tuple[Any, list[dict[str, Any]]]]:
    """[(group, items)] by `items[key]`, groups in the order of their first item and items in
    theirs. Unlike {% regroup %}, items of one group need not be next to each other: footer
    links come in editors' order, not sorted by group."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item.get(key), []).append(item)
    return list(groups.items())
