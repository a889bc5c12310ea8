import json

import pytest
from bs4 import BeautifulSoup

from cms.editorial.links import edit_url
from tests.factories import (
    FooterLinkFactory,
    HeroFactory,
    MenuItemFactory,
    PartnerFactory,
    SiteSeoFactory,
    publish,
    translate,
)


def get_data(client, query="", **headers):
    response = client.get(f"/api/website-data/{query}", **headers)
    assert response.status_code == 200, response.content
    return json.loads(response.content)["data"]


def edit_form(client, item):
    """The item's edit form as the admin renders it: its URL, the page, and the values a
    browser would send back untouched."""
    url = edit_url(item)
    page = BeautifulSoup(client.get(url).content, "html.parser")
    form = page.find("form", id="w-editor-form")
    values = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.get("type") in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            values[name] = chosen["value"] if chosen else ""
        elif field.name == "textarea":
            values[name] = field.text
        else:
            values[name] = field.get("value", "")
    return url, page, values


@pytest.fixture
def site(db, en, ar, home_page):
    """A small bilingual site: every section has English items and Arabic translations,
    except a partner and a hero that exist only in English (the fallback cases)."""
    home_page.heading = "Welcome"
    publish(home_page)
    arabic_home = publish(home_page.copy_for_translation(ar))

    about = publish(MenuItemFactory(label="About", link_url="/about"))
    team = publish(MenuItemFactory(label="Team", link_url="/about/team", parent=about))
    home_link = publish(MenuItemFactory(label="Home", link_url="", link_page=home_page))
    arabic_about = translate(about, ar, label="من نحن")
    translate(team, ar, label="الفريق", parent=arabic_about)
    translate(home_link, ar, label="الرئيسية")

    hero = publish(HeroFactory(title="Clean power", button_label="Go", link_url="/go"))
    translate(hero, ar, title="طاقة نظيفة", button_label="انطلق")
    english_only_hero = publish(HeroFactory(title="English only hero"))

    noor = publish(PartnerFactory(name="Noor"))
    translate(noor, ar, name="نور")
    falcon = publish(PartnerFactory(name="Falcon"))  # no Arabic translation

    privacy = publish(FooterLinkFactory(key="privacy", label="Privacy", group="Legal"))
    translate(privacy, ar, label="الخصوصية", group="قانوني")

    seo = publish(SiteSeoFactory(site_name="Oasis"))
    translate(seo, ar, site_name="واحة")

    return {
        "home": home_page,
        "arabic_home": arabic_home,
        "about": about,
        "hero": hero,
        "english_only_hero": english_only_hero,
        "noor": noor,
        "falcon": falcon,
        "privacy": privacy,
        "seo": seo,
    }
