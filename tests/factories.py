"""Test builders. Site content is created in English (the source locale) unless a locale is
given, and saved as a draft; tests publish what they need live."""

import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Locale

from cms.images import renditions
from sitecontent.models import Announcement, FooterLink, Hero, MenuItem, Partner, SiteSeo


def image_bytes(width=640, height=480, image_format="PNG", colour=(200, 120, 40)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, format=image_format)
    return buffer.getvalue()


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_image_model()
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Image {n}")
    description = factory.LazyAttribute(lambda image: f"Alt text for {image.title}")
    # Small: every image a test makes gets all its renditions made (see `prepared`).
    file = factory.LazyFunction(
        lambda: ImageFile(io.BytesIO(image_bytes(240, 160)), name="test.png")
    )

    @factory.post_generation
    def prepared(image, create, extracted, **kwargs):
        """Its renditions made, as the worker makes them once an image is uploaded; pass
        prepared=False for an image the worker has not reached yet."""
        if create and extracted is not False:
            renditions.prepare(image)


# The locale team group an Arabic translator belongs to, besides the Translators role.
ARABIC_TEAM = "Translators: Arabic"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))
        self.save()


def english():
    return Locale.objects.get(language_code="en")


def arabic():
    return Locale.objects.get(language_code="ar")


class SiteContentFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    locale = factory.LazyFunction(english)
    live = False


class AnnouncementFactory(SiteContentFactory):
    class Meta:
        model = Announcement

    message = factory.Sequence(lambda n: f"Announcement {n}")
    tone = "info"


class MenuItemFactory(SiteContentFactory):
    class Meta:
        model = MenuItem

    label = factory.Sequence(lambda n: f"Menu item {n}")
    link_url = factory.Sequence(lambda n: f"/page-{n}")


class HeroFactory(SiteContentFactory):
    class Meta:
        model = Hero

    title = factory.Sequence(lambda n: f"Hero {n}")
    description = "A hero description"
    button_label = "Learn more"
    link_url = "/learn-more"
    background_image = factory.SubFactory(ImageFactory)


class PartnerFactory(SiteContentFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    logo = factory.SubFactory(ImageFactory)
    website_url = "https://partner.example.com"


class FooterLinkFactory(SiteContentFactory):
    class Meta:
        model = FooterLink

    key = factory.Sequence(lambda n: f"link-{n}")
    label = factory.Sequence(lambda n: f"Footer link {n}")
    link_url = "/privacy"


class SiteSeoFactory(SiteContentFactory):
    class Meta:
        model = SiteSeo

    site_name = "Example"
    default_title = "Example | Home"
    description = "An example website."
    keywords = "one, two"


def publish(obj):
    """Publish `obj` the way the admin does and return the fresh, live row."""
    obj.save_revision().publish()
    obj.refresh_from_db()
    return obj


def translate(obj, locale, publish_it=True, **fields):
    """An Arabic (or other) translation of `obj`, as wagtail-localize would make it, with
    `fields` set on it; published unless told otherwise."""
    translation = obj.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    return publish(translation) if publish_it else translation


def hero_form(hero, **fields):
    """The admin's hero form as posted for `hero`, with `fields` changed."""
    return {
        "title": hero.title,
        "description": hero.description,
        "button_label": hero.button_label,
        "link_url": hero.link_url,
        "link_page": "",
        "background_image": hero.background_image_id,
        **fields,
    }
