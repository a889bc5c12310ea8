"""The locales the website is served in, as the settings declare them."""

from django.conf import settings
from django.utils.translation import get_language_info


def supported_locales() -> list[str]:
    return [code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES]


def default_locale() -> str:
    return str(settings.LANGUAGE_CODE)


def direction(locale_code: str) -> str:
    return "rtl" if get_language_info(locale_code)["bidi"] else "ltr"
