from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, RegexValidator, URLValidator
from django.utils.translation import gettext_lazy as _

_web_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()

validate_social_handle = RegexValidator(
    r"^[A-Za-z0-9_]{1,15}$",
    _("Enter the handle without the @: letters, digits and underscores, at most 15."),
)


def validate_link_url(value):
    """Accept a route of the website, a web URL, an e-mail address or a phone number.

    Anything else (javascript:, data:, a bare word) is refused: these links end up in every
    frontend's HTML.
    """
    if value.startswith(("/", "#")) and not value.startswith("//"):
        if any(char.isspace() for char in value):
            raise ValidationError(_("A route cannot contain spaces."), code="invalid_route")
        if "\\" in value:  # browsers read /\evil.example as //evil.example: another site
            raise ValidationError(_("A route cannot contain a backslash."), code="invalid_route")
        return
    scheme = urlsplit(value).scheme.lower()
    if scheme in ("http", "https"):
        _web_url(value)
    elif scheme == "mailto":
        _email(value.removeprefix("mailto:").split("?", 1)[0])
    elif scheme == "tel":
        number = value.removeprefix("tel:")
        if not number or not all(char.isdigit() or char in "+-(). " for char in number):
            raise ValidationError(_("Enter a phone number, e.g. tel:+9665000000."), code="tel")
    else:
        raise ValidationError(
            _(
                "Enter a route starting with / or #, or a URL starting with https://, "
                "mailto: or tel:."
            ),
            code="invalid_link",
        )
