"""What the content apps need from cms is provided exactly once, or the site does not start."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from wagtail import hooks

from home.fields import DRAW_IMAGE
from home.models import RENDER_PAGE
from providers import DECLARED, check_providers
from sitecontent.models import SITE_PREVIEW
from sitecontent.permissions import LOCALES_OF_USER, locales_of


@pytest.fixture
def unprovided(monkeypatch):
    """The locale policy as if cms had not provided it (a project without cms.wagtail_hooks)."""
    hooks.get_hooks(LOCALES_OF_USER.name)  # Wagtail loads every app's hooks first
    monkeypatch.setitem(hooks._hooks, LOCALES_OF_USER.name, [])


def test_every_need_of_the_content_apps_is_declared_and_provided_once():
    assert {RENDER_PAGE, SITE_PREVIEW, DRAW_IMAGE, LOCALES_OF_USER} <= set(DECLARED)
    assert check_providers() == []


def test_without_the_locale_policy_the_check_fails_and_nobody_works_everywhere(unprovided):
    [error] = check_providers()
    assert error.id == "providers.E001"
    assert "every translator would work in every locale" in error.msg
    with pytest.raises(ImproperlyConfigured):  # never None, "every locale"
        locales_of(get_user_model()(is_active=True))


def test_two_providers_of_one_need_are_refused_too():
    with hooks.register_temporarily(LOCALES_OF_USER.name, lambda user: None):
        [error] = check_providers()
    assert "2 functions provide 'sitecontent_locales_of_user'" in error.msg


def test_manage_py_check_refuses_to_start_without_it(unprovided):
    """runserver and migrate run the same checks: the site does not start."""
    with pytest.raises(SystemCheckError, match=r"providers\.E001"):
        call_command("check")
