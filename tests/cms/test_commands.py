"""The first admin user: from the DJANGO_SUPERUSER_* variables Django reads, or with a generated
password printed once; never a second one."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run():
    out = io.StringIO()
    call_command("ensure_superuser", stdout=out)
    return out.getvalue()


def test_without_variables_the_admin_gets_a_password_shown_once(monkeypatch):
    for name in ("USERNAME", "EMAIL", "PASSWORD"):
        monkeypatch.delenv(f"DJANGO_SUPERUSER_{name}", raising=False)
    out = run()
    password = out.split("Password: ")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    assert "already exists: admin" in run()
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_the_variables_name_the_admin_and_its_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "chief")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "chief@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-password-1")
    assert "from DJANGO_SUPERUSER_" in run()
    assert get_user_model().objects.get(username="chief").check_password("a-long-password-1")


def test_a_password_given_alone_is_the_password_of_admin(monkeypatch):
    """What `make run` does for someone who sets only DJANGO_SUPERUSER_PASSWORD (Django's own
    createsuperuser would refuse it without a username)."""
    for name in ("USERNAME", "EMAIL"):
        monkeypatch.delenv(f"DJANGO_SUPERUSER_{name}", raising=False)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-password-2")
    assert "Password:" not in run()
    assert get_user_model().objects.get(username="admin").check_password("a-long-password-2")
