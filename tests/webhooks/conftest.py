import pytest

from cms.webhooks.models import WebhookEndpoint
from tests.cms.conftest import site  # noqa: F401 (a fixture)
from tests.webhooks.receiver import Receiver


@pytest.fixture
def frontend(settings):
    """A frontend on loopback (allowed here: loopback is refused unless a setting says so)."""
    settings.CMS_WEBHOOK_ALLOW_PRIVATE = True
    settings.CMS_WEBHOOK_COALESCE_MS = 0
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def endpoint(db, frontend):
    hook = WebhookEndpoint.objects.create(name="www", url=frontend.url)
    frontend.secrets = [hook.secret]
    return hook
