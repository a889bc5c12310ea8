"""The --locale / --section options the cache commands share."""

from django.core.management.base import CommandError, CommandParser

from cms.api.inputs import InvalidRequest, parse_locale, parse_sections
from cms.delivery.locales import supported_locales
from cms.delivery.sections import Section


def add_selection_arguments(parser: CommandParser) -> None:
    parser.add_argument("--locale", action="append", dest="locales", help="e.g. ar (repeat)")
    parser.add_argument(
        "--section", action="append", dest="sections", help="e.g. menu_items (repeat)"
    )


def selected(
    locales: list[str] | None, sections: list[str] | None
) -> tuple[list[str], list[Section]]:
    """(locale codes, sections) named on the command line; all of them when none are."""
    try:
        codes = [parse_locale(code) for code in locales] if locales else supported_locales()
        return codes, parse_sections(sections)
    except InvalidRequest as error:
        raise CommandError(str(error)) from error
