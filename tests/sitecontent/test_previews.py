"""Previewing draft site content in the admin, in the item's language and direction."""

import pytest
from django.urls import reverse

from tests.factories import (
    FooterLinkFactory,
    HeroFactory,
    MenuItemFactory,
    PartnerFactory,
    SiteSeoFactory,
)

pytestmark = pytest.mark.django_db

PREVIEWED = {
    "menuitem": (MenuItemFactory, "label"),
    "hero": (HeroFactory, "title"),
    "partner": (PartnerFactory, "name"),
    "footerlink": (FooterLinkFactory, "label"),
    "siteseo": (SiteSeoFactory, "site_name"),
}


@pytest.mark.parametrize("model_name", PREVIEWED)
def test_a_draft_previews_in_its_language_and_direction(editor_client, ar, model_name):
    factory, text_field = PREVIEWED[model_name]
    item = factory(locale=ar, **{text_field: "نص تجريبي"})
    preview = reverse(f"wagtailsnippets_sitecontent_{model_name}:preview_on_edit", args=[item.pk])
    edit_form = editor_client.get(
        reverse(f"wagtailsnippets_sitecontent_{model_name}:edit", args=[item.pk])
    )
    assert edit_form.status_code == 200

    # The admin posts the form to the preview view, then loads the rendering.
    data = _form_data(item, model_name)
    assert editor_client.post(preview, data).json()["is_valid"] is True
    response = editor_client.get(preview)
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "نص تجريبي" in response.text


def _form_data(item, model_name):
    fields = {
        "menuitem": ["label", "link_url", "link_page", "parent"],
        "hero": [
            "title",
            "description",
            "button_label",
            "link_url",
            "link_page",
            "background_image",
        ],
        "partner": ["name", "logo", "website_url"],
        "footerlink": ["key", "label", "group", "link_url", "link_page", "is_external"],
        "siteseo": ["site_name", "default_title", "description", "keywords", "og_image"],
    }[model_name]
    data = {}
    for name in fields:
        value = (
            getattr(item, f"{name}_id", None)
            if hasattr(item, f"{name}_id")
            else getattr(item, name)
        )
        data[name] = "" if value is None else value
    return data
