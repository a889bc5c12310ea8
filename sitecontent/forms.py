"""Admin forms the panels of sitecontent's models are built on."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm


class MenuItemForm(WagtailAdminModelForm):
    """An item the database nests deeper than the menu's one level (two edits raced, or SQL
    wrote it) opens under the top-level item the menu shows it under, and says so. Its stored
    parent is not among the choices (only top-level items are), so without this the form would
    show no parent and saving would move the item to the top level unasked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        item, field = self.instance, self.fields.get("parent")
        if field is None or item.parent_id is None or item.parent.parent_id is None:
            return
        shown_under = item.shown_under()
        if not self.is_bound:
            self.initial["parent"] = shown_under.pk if shown_under else None
        outcome = (
            _("Saving keeps it there.")
            if shown_under
            else _("Saving puts it at the top level, unless you choose a parent.")
        )
        field.help_text = f"{item.placement()} {outcome}"
