"""Alt text in the reader's language: a hero's image and a partner's logo are described on the
item, so translators translate the description with the rest of it (wagtail-localize), and
the payload of each locale carries its own; or the image is decorative, and says so."""

import pytest
from django.urls import reverse

from sitecontent.models import Hero
from tests.factories import HeroFactory, ImageFactory, PartnerFactory, publish
from tests.sitecontent.test_translation import submit_translation, translate_strings

pytestmark = pytest.mark.django_db


def payload(client, code):
    return client.get(f"/api/website-data/?locale={code}").json()["data"]


def hero_image(client, code, title):
    return next(h["image"] for h in payload(client, code)["heroes"] if h["title"] == title)


def test_translators_translate_the_alt_text_and_each_locale_gets_its_own(client, en, ar):
    image = ImageFactory(description="IMG_2041.jpg")
    hero = publish(
        HeroFactory(title="Clean power", background_image=image, image_alt="Solar farm at dusk")
    )
    translation = submit_translation(hero, ar)
    translated = {"Clean power": "طاقة نظيفة", "Solar farm at dusk": "مزرعة شمسية عند الغسق"}
    translate_strings(
        translation,
        {**translated, hero.description: hero.description, hero.button_label: hero.button_label},
    )
    translation.save_target(publish=True)

    assert hero_image(client, "en", "Clean power")["alt"] == "Solar farm at dusk"
    arabic = hero_image(client, "ar", "طاقة نظيفة")
    assert arabic["alt"] == "مزرعة شمسية عند الغسق"
    assert arabic["decorative"] is False
    v2 = client.get("/api/v2/heroes/?locale=ar").json()
    assert v2["items"][0]["image"]["alt"] == "مزرعة شمسية عند الغسق"


def test_without_an_alt_text_the_image_description_is_used(client, en):
    image = ImageFactory(description="Panels on a roof")
    publish(HeroFactory(title="Roofs", background_image=image, image_alt=""))
    assert hero_image(client, "en", "Roofs")["alt"] == "Panels on a roof"


def test_a_decorative_image_has_an_empty_alt_on_purpose(client, en, ar):
    image = ImageFactory(description="A gradient")
    hero = publish(
        HeroFactory(
            title="Plain", background_image=image, image_alt="ignored", image_is_decorative=True
        )
    )
    served = hero_image(client, "en", "Plain")
    assert (served["alt"], served["decorative"]) == ("", True)
    # Decorative or not is the same in every locale: it follows the source on sync.
    submit_translation(hero, ar)
    assert Hero.objects.get(locale=ar, translation_key=hero.translation_key).image_is_decorative


def test_a_logo_is_described_by_its_alt_text_else_the_partners_name(client, en):
    publish(PartnerFactory(name="Noor", image_alt="Noor Engineering logo"))
    publish(PartnerFactory(name="Falcon"))
    logos = {p["name"]: p["logo"] for p in payload(client, "en")["partners"]}
    assert logos["Noor"]["alt"] == "Noor Engineering logo"
    assert logos["Falcon"]["alt"] == "Falcon"


def test_editors_write_the_alt_text_beside_the_image(admin_client, en):
    hero = publish(HeroFactory(title="Clean power"))
    page = admin_client.get(reverse("wagtailsnippets_sitecontent_hero:edit", args=[hero.pk]))
    assert 'name="image_alt"' in page.text
    assert 'name="image_is_decorative"' in page.text
