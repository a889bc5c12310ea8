"""Media on S3 through django-storages, against a real S3-compatible server on loopback (moto's
standalone server): an image uploaded in the admin, its rendition and the URL the API gives."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer
from wagtail.images import get_image_model

from cms.images.preparing import prepare_image
from cms.images.slots import all_specs
from scripts.loopback import free_port
from tests.factories import PartnerFactory, image_bytes, publish

pytestmark = pytest.mark.django_db
BUCKET = "cms-media"
PUBLIC_READ_NO_LISTING = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def s3(settings, monkeypatch):
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = False
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    yield client, endpoint
    server.stop()


def keys(client, prefix):
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_an_uploaded_image_and_its_rendition_live_in_the_bucket(editor_client, client, s3):
    s3_client, endpoint = s3
    upload = editor_client.post(
        reverse("wagtailimages:add"),
        {"title": "Logo", "file": _png("logo.png", 900, 450)},
    )
    assert upload.status_code == 302
    image = get_image_model().objects.get(title="Logo")
    assert keys(s3_client, "original_images/") == ["original_images/logo.png"]
    assert not Path(image.file.name).is_absolute()

    prepare_image.call(image.pk)  # what the worker does after the upload
    publish(PartnerFactory(name="Noor", logo=image))
    logo = client.get("/api/website-data/?locale=en").json()["data"]["partners"][0]["logo"]
    renditions = keys(s3_client, "images/")
    # The payload's (every declared spec) and the admin's: each in the bucket, none on disk.
    assert sorted(r.file.name for r in image.renditions.all()) == renditions
    assert len(renditions) > len(all_specs())
    fallback = next(key for key in renditions if key.endswith(".max-400x200.format-png.png"))
    assert logo["url"] == f"{endpoint}/{BUCKET}/{fallback}"
    # Uploads carry no public ACL: only the bucket policy (the README's) makes objects readable.
    with pytest.raises(urllib.error.HTTPError) as private:
        urllib.request.urlopen(logo["url"])
    assert private.value.code == 403
    s3_client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ_NO_LISTING))
    with urllib.request.urlopen(logo["url"]) as response:
        served = response.read()
    stored = s3_client.get_object(Bucket=BUCKET, Key=fallback)["Body"].read()
    assert served == stored
    assert served.startswith(b"\x89PNG")


def test_uploading_the_same_name_twice_never_overwrites(editor_client, s3):
    s3_client, _ = s3
    for title in ("First", "Second"):
        editor_client.post(reverse("wagtailimages:add"), {"title": title, "file": _png("a.png")})
    stored = keys(s3_client, "original_images/")
    assert len(stored) == 2 and "original_images/a.png" in stored


def test_a_bucket_in_the_environment_switches_media_to_s3():
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.STORAGES['default']['BACKEND'], settings.AWS_S3_FILE_OVERWRITE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "AWS_STORAGE_BUCKET_NAME": "media",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "False"], result.stderr


def _png(name, width=640, height=480):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, image_bytes(width, height), content_type="image/png")
