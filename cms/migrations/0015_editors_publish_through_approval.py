"""Editors publish through approval from now on: the direct-publish grants the Editors group
was given before (snippet publish and reorder, page publish) are taken back, once. Who should
keep publishing directly joins the Publishers group. On a new database this finds nothing:
the roles are made after migrating (cms.editorial.roles)."""

from django.db import migrations

SITE_CONTENT_MODELS = ("announcement", "menuitem", "hero", "partner", "footerlink", "siteseo")


def take_back_direct_publishing(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    codenames = [f"{action}_{model}" for model in SITE_CONTENT_MODELS for action in ("publish", "reorder")]
    editors.permissions.remove(
        *Permission.objects.filter(content_type__app_label="sitecontent", codename__in=codenames)
    )
    GroupPagePermission.objects.filter(
        group=editors, permission__content_type__app_label="wagtailcore", permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0014_approval_permission"),
        ("sitecontent", "0004_image_alt_text"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(take_back_direct_publishing, migrations.RunPython.noop)]
