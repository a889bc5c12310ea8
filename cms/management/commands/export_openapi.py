import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from cms.api.openapi import openapi_document

# What the TypeScript client's types are generated from (clients/typescript, `npm run generate`).
CLIENT_COPY = Path(settings.BASE_DIR) / "clients" / "typescript" / "openapi.json"


def serialized() -> str:
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = (
        "Write the OpenAPI document, as /api/schema/ serves it, to the TypeScript client "
        "(clients/typescript/openapi.json); --check fails if that copy is out of date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Compare; write nothing.")

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        if check:
            if not CLIENT_COPY.exists() or CLIENT_COPY.read_text() != serialized():
                raise SystemExit(
                    f"{CLIENT_COPY} is out of date: run `manage.py export_openapi`, then "
                    "`npm run generate` in clients/typescript."
                )
            return
        CLIENT_COPY.write_text(serialized())
        self.stdout.write(f"Wrote {CLIENT_COPY}")
