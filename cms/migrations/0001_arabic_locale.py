"""Create the Arabic locale: Wagtail's migrations create only the default one (English)."""

from django.db import migrations


def create_arabic_locale(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Locale.objects.get_or_create(language_code="ar")


def remove_arabic_locale(apps, schema_editor):
    apps.get_model("wagtailcore", "Locale").objects.filter(language_code="ar").delete()


class Migration(migrations.Migration):
    dependencies = [("wagtailcore", "0054_initial_locale")]

    operations = [migrations.RunPython(create_arabic_locale, remove_arabic_locale)]
