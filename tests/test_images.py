"""Image uploads through the admin, and their limits."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model

from tests.factories import image_bytes

pytestmark = pytest.mark.django_db
Image = get_image_model()


def upload(client, name, content, content_type="image/png"):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": "Upload", "file": SimpleUploadedFile(name, content, content_type)},
    )


def test_an_editor_uploads_an_image(editor_client):
    response = upload(editor_client, "hero.png", image_bytes(800, 600))
    assert response.status_code == 302
    image = Image.objects.get(title="Upload")
    assert (image.width, image.height) == (800, 600)


def test_an_oversized_file_is_refused_with_a_form_error(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    content = image_bytes(1200, 1200, image_format="BMP")  # uncompressed: well over 10 kB
    response = upload(editor_client, "big.bmp", content, "image/bmp")
    assert response.status_code == 200
    assert "This file is too big" in response.text
    assert not Image.objects.exists()


def test_too_many_pixels_are_refused_with_a_form_error(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1000
    response = upload(editor_client, "wide.png", image_bytes(100, 100))
    assert response.status_code == 200
    assert "too many pixels" in response.text
    assert not Image.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_with_a_form_error(editor_client):
    response = upload(editor_client, "notes.png", b"just some text, not a picture")
    assert response.status_code == 200
    assert "Upload a valid image" in response.text or "Not a valid" in response.text
    assert not Image.objects.exists()


def test_svg_is_not_accepted(editor_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload(editor_client, "logo.svg", svg, "image/svg+xml")
    assert response.status_code == 200
    assert "Not a supported image format" in response.text
    assert not Image.objects.exists()


def test_translators_cannot_upload_images(translator_client):
    response = upload(translator_client, "hero.png", image_bytes())
    assert response.status_code in (302, 403)
    assert not Image.objects.exists()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_refused_with_a_form_error_not_a_500(editor_client, image_format):
    whole = image_bytes(800, 600, image_format=image_format, colour=(10, 200, 90))
    response = upload(editor_client, f"cut.{image_format.lower()}", whole[: len(whole) // 2])
    assert response.status_code == 200
    assert "damaged or incomplete" in response.text
    assert not Image.objects.exists()
