"""Ordering that every locale shares.

An item and its translations form a translation group (same `translation_key`) and hold the
same `sort_order`. Moving an item moves its whole group, so the order editors set is the order
of every locale, whichever locale's row they dragged.
"""

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from .signals import reordered, reordering


def move_translation_group(model, item, position):
    """Move `item`'s translation group to where the row at `position` stands.

    `position` is an index into the listing (all locales, by `sort_order`), as Wagtail's
    reorder view sends it; out of range means "to the end". Returns the translation keys whose
    order changed, and sends `reordered` once that change has committed.
    """
    with transaction.atomic():
        rows = list(
            model.objects.select_for_update()
            .order_by("sort_order", "pk")
            .values_list("translation_key", flat=True)
        )
        if not 0 <= position < len(rows):
            position = len(rows) - 1
        groups = list(dict.fromkeys(rows))
        target_index = groups.index(rows[position])
        groups.remove(item.translation_key)
        groups.insert(target_index, item.translation_key)
        changed = _renumber(model, groups)
        if changed:
            reordering.send(sender=model, translation_keys=changed)
            transaction.on_commit(lambda: reordered.send(sender=model, translation_keys=changed))
        return changed


def _renumber(model, groups):
    new_order = {key: index for index, key in enumerate(groups)}
    # A group is renumbered when any of its rows is out of place (rows of one group could
    # disagree if they were written outside the admin).
    changed = sorted(
        {
            key
            for key, sort_order in model.objects.values_list("translation_key", "sort_order")
            if sort_order != new_order[key]
        },
        key=new_order.__getitem__,
    )
    if changed:
        model.objects.filter(translation_key__in=changed).update(
            sort_order=Case(
                *(When(translation_key=key, then=Value(new_order[key])) for key in changed),
                output_field=IntegerField(),
            )
        )
    return changed
