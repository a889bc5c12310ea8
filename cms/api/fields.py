"""Wagtail API v2's `?fields=` over the items the payload builders make: `*` (every field),
`_` (none), `title,image` (these as well), `-description` (not this one), and nested
`image(url,alt)` on a field that holds an object or a list of them, with Wagtail's own parser
and its messages. The fields an item has are those its OpenAPI schema declares (cms.api.schemas):
an unknown one is a 400, whether or not the item at hand happens to carry it.

Wagtail's defaults, where they mean something here: an item shows every field unless told
otherwise (as Wagtail's detail views do: a listing here is the payload's section, whole), a
nested object shows only the fields named within it (`*` for all, as Wagtail's related objects),
and Wagtail's meta fields (`type`, `detail_url`, `locale`) are chosen by name like any other and
shown under `meta`."""

from dataclasses import dataclass
from typing import Any

from wagtail.api.v2.utils import BadRequestError, parse_fields_parameter

from .schemas import resolved

META_FIELDS = ("type", "detail_url", "locale")

# (name, negated, nested) as wagtail.api.v2.utils.parse_fields_parameter gives them
Fields = list[tuple[str, bool, "Fields | None"]]


@dataclass(frozen=True)
class Selection:
    """What to show of an object: these fields, and within some of them, only part."""

    shown: frozenset[str]
    within: dict[str, "Selection"]

    def of(self, value: dict[str, Any]) -> dict[str, Any]:
        selected: dict[str, Any] = {}
        for name, each in value.items():
            if name == "meta":
                meta = {key: each[key] for key in META_FIELDS if key in self.shown}
                if meta:
                    selected["meta"] = meta
            elif name in self.shown:
                inner = self.within.get(name)
                selected[name] = each if inner is None else inner.of_any(each)
        return selected

    def of_any(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.of(each) for each in value]
        return None if value is None else self.of(value)


def item_selection(value: str, schema: dict[str, Any]) -> Selection:
    """The `?fields=` of a request for items of this schema, checked against it before any
    item is read."""
    try:
        fields: Fields = parse_fields_parameter(value)
    except ValueError as error:
        raise BadRequestError(f"fields error: {error}") from error
    except RecursionError:  # Wagtail's parser recurses once per parenthesis
        raise BadRequestError("fields error: nested too deeply") from None
    known = list(dict.fromkeys(["id", *schema["properties"], *META_FIELDS]))
    return _selection(fields, known, schema, shown=set(known))


def _selection(
    fields: Fields, known: list[str], schema: dict[str, Any], shown: set[str]
) -> Selection:
    if fields and fields[0][0] in ("*", "_"):
        shown = set(known) if fields[0][0] == "*" else set()
        fields = fields[1:]
    asked: dict[str, Fields] = {}
    for name, negated, nested in fields:
        if negated:
            shown.discard(name)
        else:
            shown.add(name)
            if nested:
                asked[name] = nested
    unknown = {name for name, _, _ in fields} - set(known)
    if unknown:
        raise BadRequestError(f"unknown fields: {', '.join(sorted(unknown))}")
    within = {}
    for name, nested in asked.items():
        inner = resolved(schema["properties"].get(name, {}))
        if not inner:
            raise BadRequestError(f"'{name}' does not support nested fields")
        # Only the nested fields named, as Wagtail shows a related object's: image(url,alt).
        within[name] = _selection(nested, list(inner["properties"]), inner, shown=set())
    return Selection(frozenset(shown), within)
