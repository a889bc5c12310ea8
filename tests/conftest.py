import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from wagtail.models import Locale

from cms.cache.engine import payload_cache
from cms.images import renditions
from home.models import HomePage
from tests.factories import ARABIC_TEAM, UserFactory


@pytest.fixture(autouse=True, scope="session")
def each_rendition_encoded_once():
    """The test images are a few identical pictures: each rendition of a picture is encoded
    once per run, and its bytes written again for the next image like it. Encoding (AVIF,
    WebP) was more than half of what a test's site cost to make. The drawing, the rows, the
    files and the placeholders are made for every image as always; a picture not seen before
    is encoded for real."""
    original = renditions._Encoded.run
    encoded = {}

    def run(self, image, output, source=None):
        picture = self.picture
        key = (self.spec, self.format_name, picture.mode, picture.size, picture.tobytes())
        if key not in encoded:
            result = original(self, image, output, source)
            output.seek(0)
            encoded[key] = (type(result), output.read())
            return result
        kind, data = encoded[key]
        output.write(data)
        return kind(output)

    renditions._Encoded.run = run
    yield
    renditions._Encoded.run = original


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content (`seed_demo`, its on-commit work done), made once for the tests of a
    module that read it: in a transaction that each test's own nests in as a savepoint (so
    what a test changes is undone after it), rolled back after the module. Seeding takes
    about 10 s: made per test, it took a sixth of the suite's time."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty (real, Redis) cache and a cache layer that trusts it."""
    payload_cache.reset()
    cache.clear()
    yield
    cache.clear()
    payload_cache.reset()


@pytest.fixture
def en(db):
    return Locale.objects.get(language_code="en")


@pytest.fixture
def ar(db):
    return Locale.objects.get(language_code="ar")


@pytest.fixture
def home_page(db):
    return HomePage.objects.get(locale__language_code="en", depth=2)


@pytest.fixture
def editor(db):
    return UserFactory(groups=["Editors"])


@pytest.fixture
def publisher(db):
    """An editor who also publishes without approval (the Publishers group)."""
    return UserFactory(groups=["Editors", "Publishers"])


@pytest.fixture
def translator(db):
    return UserFactory(groups=["Translators", ARABIC_TEAM])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture
def translator_client(client, translator):
    client.force_login(translator)
    return client
