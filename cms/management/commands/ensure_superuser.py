import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the first admin user unless one exists: from Django's DJANGO_SUPERUSER_USERNAME"
        " / _EMAIL / _PASSWORD variables, or with a generated password printed once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).first()
        if existing:
            self.stdout.write(f"Admin user already exists: {existing.get_username()}.")
            return
        # The DJANGO_SUPERUSER_* variables Django's createsuperuser reads, each with a default:
        # a password given alone is the admin's password, not an error.
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL") or "admin@example.com"
        given = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        password = given or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        if given:
            message = f"Admin user {username} created from DJANGO_SUPERUSER_*."
            self.stdout.write(self.style.SUCCESS(message))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin user created. Username: {username}  Password: {password}\n"
                "This password is shown only once: note it, or change it in the admin."
            )
        )
