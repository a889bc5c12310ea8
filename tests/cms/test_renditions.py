"""Images in the payload: each slot's srcsets in AVIF and WebP with a fallback, made ahead of
time by the worker (or by the publish that first shows an image), never during a public
request, and only in the specs declared per slot."""

import base64
import io
from urllib.parse import urlsplit

import pytest
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.db.models.signals import post_save
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cms.delivery.build import BuildContext
from cms.images import renditions, slots
from cms.images.models import PreparedImage
from cms.images.preparing import prepare_image
from sitecontent.models import SiteSeo
from tests.cms.conftest import get_data
from tests.factories import HeroFactory, ImageFactory, PartnerFactory, image_bytes, publish

Rendition = get_image_model().get_rendition_model()


def two_tone(width, height, left=(220, 30, 30), right=(30, 30, 220)):
    """An image whose left half and right half differ, to see which part a crop kept."""
    picture = PILImage.new("RGB", (width, height), right)
    picture.paste(left, (0, 0, width // 2, height))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=95)
    return ImageFile(io.BytesIO(buffer.getvalue()), name="two-tone.jpg")


def opened(url):
    """The rendition file a payload URL names, decoded."""
    name = urlsplit(url).path.removeprefix("/media/")
    with default_storage.open(name) as file:
        picture = PILImage.open(file)
        picture.load()
    return picture


def candidates(srcset):
    """[(url, width)] of a srcset."""
    return [(url, int(width[:-1])) for url, width in (c.split() for c in srcset.split(", "))]


def hero_image(client, title, locale="en"):
    heroes = get_data(client, f"?locale={locale}")["heroes"]
    return next(hero for hero in heroes if hero["title"] == title)["image"]


@pytest.fixture
def wide_image(db):
    return ImageFactory(
        description="Panels", file=ImageFile(io.BytesIO(image_bytes(2400, 1200)), name="w.png")
    )


def test_a_hero_has_avif_and_webp_srcsets_for_desktop_and_an_art_directed_mobile_crop(
    client, site, wide_image
):
    publish(HeroFactory(title="Wide", background_image=wide_image))
    image = hero_image(client, "Wide")

    assert [(s["media"], s["type"]) for s in image["sources"]] == [
        ("(max-width: 47.99em)", "image/avif"),
        ("(max-width: 47.99em)", "image/webp"),
        ("(max-width: 47.99em)", "image/jpeg"),
        (None, "image/avif"),
        (None, "image/webp"),
    ]
    mobile_avif, desktop_avif = image["sources"][0], image["sources"][3]
    assert [w for _, w in candidates(desktop_avif["srcset"])] == [640, 960, 1280, 1920]
    assert [w for _, w in candidates(mobile_avif["srcset"])] == [400, 800, 1200]
    assert (desktop_avif["width"], desktop_avif["height"]) == (1920, 800)
    assert (mobile_avif["width"], mobile_avif["height"]) == (1200, 1200)
    assert desktop_avif["sizes"] == mobile_avif["sizes"] == image["sizes"] == "100vw"
    # The <img> itself: the desktop crop in JPEG, every width.
    assert [w for _, w in candidates(image["srcset"])] == [640, 960, 1280, 1920]
    assert (image["width"], image["height"]) == (1920, 800)
    # Each file is what its type says, at the width its descriptor says.
    for source in image["sources"]:
        expected = source["type"].removeprefix("image/").upper()
        for url, width in candidates(source["srcset"]):
            picture = opened(url)
            assert (picture.format, picture.width) == (expected, width)


def test_a_logo_falls_back_to_png_and_is_never_upscaled(client, site):
    small = ImageFactory(file=ImageFile(io.BytesIO(image_bytes(300, 150)), name="logo.png"))
    publish(PartnerFactory(name="Small", logo=small))
    logo = next(p for p in get_data(client, "?locale=en")["partners"] if p["name"] == "Small")[
        "logo"
    ]

    assert [s["type"] for s in logo["sources"]] == ["image/avif", "image/webp"]
    assert logo["sizes"] == "128px"
    # 128 and 256 wide, then the original's own 300 (not the 400 a larger logo would get).
    assert [w for _, w in candidates(logo["srcset"])] == [128, 256, 300]
    assert logo["url"].endswith(".png") and (logo["width"], logo["height"]) == (300, 150)
    assert opened(logo["url"]).format == "PNG"


def test_the_share_image_comes_in_modern_formats_with_a_jpeg_for_social_networks(
    client, site, wide_image
):
    seo = SiteSeo.objects.get(locale__language_code="en")
    seo.og_image = wide_image
    publish(seo)
    share = get_data(client, "?locale=en")["seo"]["og_image"]

    assert [s["type"] for s in share["sources"]] == ["image/avif", "image/webp"]
    assert [w for _, w in candidates(share["sources"][0]["srcset"])] == [600, 1200]
    assert (share["width"], share["height"]) == (1200, 630)
    assert opened(share["url"]).format == "JPEG"


def test_a_placeholder_gives_the_images_colour_and_a_tiny_inline_version(client, site):
    image = hero_image(client, "Clean power")  # ImageFactory's images are one colour

    assert image["placeholder"]["color"] == "#c87828"
    data_uri = image["placeholder"]["data_uri"]
    assert data_uri.startswith("data:image/webp;base64,")
    tiny = PILImage.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1])))
    assert tiny.format == "WEBP" and tiny.width == slots.PLACEHOLDER_WIDTH
    assert len(data_uri) < 400


def test_crops_keep_the_focal_point(client, site):
    left_focused = ImageFactory(
        file=two_tone(2400, 1200),
        focal_point_x=300,
        focal_point_y=600,
        focal_point_width=200,
        focal_point_height=200,
    )
    publish(HeroFactory(title="Focused", background_image=left_focused))
    mobile = hero_image(client, "Focused")["renditions"]["mobile"]

    square = opened(mobile["url"]).convert("RGB")  # a 1200 square of a 2400x1200 image
    red, _, blue = square.getpixel((square.width // 2, square.height // 2))
    assert red > 150 and blue < 100, "the square was cut from the focal point's side"


def test_only_the_declared_slots_are_drawn():
    with pytest.raises(slots.UnknownSlot):
        slots.slot("poster")
    assert not slots.is_served("fill-5000x5000|format-avif")
    assert slots.is_served("fill-1920x800|format-avif")


def test_every_url_in_the_payload_is_a_declared_spec(client, site):
    data = get_data(client, "?locale=en")
    urls = [url for url, _ in _all_candidates(data)]
    served = Rendition.objects.filter(file__in=[urlsplit(u).path[len("/media/") :] for u in urls])

    assert served.count() == len(set(urls)) > 20
    assert all(slots.is_served(rendition.filter_spec) for rendition in served)


def _all_candidates(data):
    drawn = [hero["image"] for hero in data["heroes"]]
    drawn += [partner["logo"] for partner in data["partners"]]
    drawn.append(data["seo"]["og_image"])
    for image in filter(None, drawn):
        yield from candidates(image["srcset"])
        for source in image["sources"]:
            yield from candidates(source["srcset"])


def test_an_upload_queues_its_renditions_for_the_worker(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(prepared=False)

    queued = DBTaskResult.objects.get(queue_name="images")
    assert queued.args_kwargs["args"] == [image.pk]
    made_at_once = set(image.renditions.values_list("filter_spec", flat=True))
    assert made_at_once == set(renditions.ADMIN_THUMBNAILS)  # small: the admin shows them next

    assert prepare_image.call(image.pk) is True  # what the worker runs
    payload = image.renditions.exclude(filter_spec__in=made_at_once)
    assert payload.exclude(filter_spec="original").count() == len(slots.all_specs())
    assert renditions.is_prepared(image)
    assert prepare_image.call(image.pk) is False  # nothing left to make


def test_the_admins_thumbnails_are_made_at_upload_without_wagtails_full_size_decode(
    editor_client, django_capture_on_commit_callbacks
):
    upload = ImageFile(io.BytesIO(image_bytes(2400, 1200, "JPEG")), name="upload.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("wagtailimages:add"), {"title": "Up", "file": upload}
        )
    assert response.status_code == 302
    image = get_image_model().objects.get(title="Up")
    thumbnails = {r.filter_spec: r for r in image.renditions.all()}
    assert set(thumbnails) == set(renditions.ADMIN_THUMBNAILS)
    assert opened(thumbnails["max-165x165"].url).format == "JPEG"  # the original's format
    prepare_image.call(image.pk)  # the worker: the payload's, and the edit view's full size

    made = []

    def count(sender, instance, **kwargs):
        made.append(instance.filter_spec)

    post_save.connect(count, sender=Rendition)  # Wagtail finds them: it makes none
    try:
        assert editor_client.get(reverse("wagtailimages:index")).status_code == 200
        assert editor_client.get(reverse("wagtailimages:edit", args=[image.pk])).status_code == 200
    finally:
        post_save.disconnect(count, sender=Rendition)
    assert made == []
    assert image.renditions.get(filter_spec="original").file.read() == image.file.read()


def test_a_publish_showing_an_image_nobody_prepared_prepares_it_before_it_returns(
    site, client, django_capture_on_commit_callbacks
):
    fresh = ImageFactory(prepared=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(HeroFactory(title="Fresh", background_image=fresh))

    assert renditions.is_prepared(fresh)
    assert hero_image(client, "Fresh")["url"]


def test_an_image_that_cannot_be_drawn_never_stops_a_publish(
    site, client, django_capture_on_commit_callbacks
):
    broken = ImageFactory(prepared=False)
    with default_storage.open(broken.file.name, "wb") as file:
        file.write(b"not an image any more")
    with django_capture_on_commit_callbacks(execute=True):
        publish(HeroFactory(title="Broken", background_image=broken))

    heroes = get_data(client, "?locale=en")["heroes"]
    assert [hero["image"] for hero in heroes if hero["title"] == "Broken"] == [None]


def test_a_new_focal_point_shows_once_its_renditions_exist_with_the_previous_ones_until_then(
    site, client, wide_image
):
    publish(HeroFactory(title="Wide", background_image=wide_image))
    before = hero_image(client, "Wide")

    wide_image.focal_point_x, wide_image.focal_point_y = 2300, 600
    wide_image.focal_point_width = wide_image.focal_point_height = 100
    wide_image.save()
    payload_cache_forget()
    assert hero_image(client, "Wide") == before  # all the previous ones, not half of each

    prepare_image.call(wide_image.pk)
    payload_cache_forget()
    after = hero_image(client, "Wide")
    assert after["renditions"]["mobile"]["url"] != before["renditions"]["mobile"]["url"]
    assert PreparedImage.objects.filter(image=wide_image).count() == 1


def payload_cache_forget():
    from cms.cache.engine import payload_cache
    from cms.delivery.keys import keys_for
    from cms.delivery.sections import SECTIONS

    payload_cache.purge(keys_for(["en", "ar"], SECTIONS))


def test_a_new_file_forgets_the_renditions_of_the_old_one(site, wide_image):
    assert renditions.is_prepared(wide_image)
    wide_image.file = ImageFile(io.BytesIO(image_bytes(800, 600)), name="other.png")
    wide_image.save()

    assert not PreparedImage.objects.filter(image=wide_image).exists()


def test_an_image_nobody_prepared_is_left_out_rather_than_made_in_the_request(site, client):
    unprepared = ImageFactory(prepared=False)
    HeroFactory(title="Early", background_image=unprepared, live=True)  # no publish: no gate
    payload_cache_forget()

    assert hero_image(client, "Early") is None
    assert not unprepared.renditions.exists()


def test_anonymous_requests_make_no_renditions(site, client, home_page):
    made = []

    def count(sender, created, **kwargs):
        made.append(created)

    publish(HeroFactory(title="Counted", background_image=ImageFactory(prepared=False)))
    home_page.og_image = ImageFactory()
    home_page.save_revision().publish()
    payload_cache_forget()
    post_save.connect(count, sender=Rendition)
    try:
        for url in (
            "/api/website-data/?locale=en",
            "/api/website-data/?locale=ar",
            "/api/v2/pages/?fields=*&type=home.HomePage&locale=en",
            f"/api/v2/pages/{home_page.pk}/",
            "/api/v2/heroes/?locale=ar",
            "/api/v2/partners/?locale=en",
            "/api/v2/images/",
            "/en/",
            "/ar/",
        ):
            assert client.get(url).status_code == 200, url
    finally:
        post_save.disconnect(count, sender=Rendition)

    assert made.count(True) == 0


def test_the_api_v2_draws_the_home_pages_share_image_like_the_payload(site, client, home_page):
    home_page.og_image = ImageFactory()
    home_page.save_revision().publish()

    page = client.get(f"/api/v2/pages/{home_page.pk}/").json()
    context = BuildContext(home_page.locale, home_page.locale)
    assert page["og_image"] == context.image(home_page.og_image, "share")
    assert page["og_image"]["sources"][0]["type"] == "image/avif"


def test_prepare_images_makes_the_renditions_of_the_images_shown_and_only_those_by_default(site):
    from django.core.management import call_command

    shown, unused = ImageFactory(prepared=False), ImageFactory(prepared=False)
    HeroFactory(title="Shown", background_image=shown, live=True)

    out = io.StringIO()
    call_command("prepare_images", stdout=out)
    assert "Prepared 1 image(s)" in out.getvalue()
    assert renditions.is_prepared(shown) and not renditions.is_prepared(unused)

    call_command("prepare_images", str(unused.pk), stdout=(out := io.StringIO()))
    assert "Prepared 1 image(s)" in out.getvalue() and renditions.is_prepared(unused)

    call_command("prepare_images", "--all", stdout=(out := io.StringIO()))
    assert "Prepared 0 image(s); the others were ready." in out.getvalue()
