import pytest
from django.core.cache import cache
from wagtail.models import Locale

from cms.delivery.cache import payload_cache
from home.models import HomePage
from tests.factories import ARABIC_TEAM, UserFactory


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
def translator(db):
    return UserFactory(groups=["Translators", ARABIC_TEAM])


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def translator_client(client, translator):
    client.force_login(translator)
    return client
