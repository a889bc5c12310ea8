import json

import pytest

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
