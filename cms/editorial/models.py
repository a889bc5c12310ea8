from django.db import models
from django.utils.translation import gettext_lazy as _


class WebsiteCache(models.Model):
    """No table: carries the permission to refresh the website cache from the admin."""

    class Meta:
        app_label = "cms"
        managed = False
        default_permissions = ()
        permissions = [("refresh_website_cache", _("Can refresh the website cache"))]

    def __str__(self) -> str:
        return "website cache"


class LocaleTeam(models.Model):
    """The group of people who work in one locale.

    Members of a team may create, edit and publish content in its locale only; the role groups
    (Editors, Translators) say *what* someone may do, the team *where*. Someone with
    `work_in_every_locale` (Editors, superusers) is not restricted to any team.
    """

    locale = models.OneToOneField(
        "wagtailcore.Locale", on_delete=models.CASCADE, related_name="team"
    )
    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="locale_team"
    )

    class Meta:
        app_label = "cms"
        verbose_name = _("locale team")
        default_permissions = ()
        permissions = [("work_in_every_locale", _("Can edit and publish content in every locale"))]

    def __str__(self) -> str:
        return self.group.name
