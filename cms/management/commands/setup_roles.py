from typing import Any

from django.core.management.base import BaseCommand

from cms.editorial.roles import ROLES, apply_roles


class Command(BaseCommand):
    help = (
        "Create or complete the Editors, Translators, Approvers and Publishers groups, the "
        "locale teams and the approval workflow (idempotent, additive)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        apply_roles()
        for role in ROLES:
            self.stdout.write(self.style.SUCCESS(f"{role.name}: {role.description}"))
