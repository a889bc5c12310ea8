from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingPurge(models.Model):
    """A cache purge that could not reach Redis; applied as soon as Redis answers again."""

    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending cache purge")

    def __str__(self):
        return self.key


class WebsiteCache(models.Model):
    """No table: carries the permission to refresh the website cache from the admin."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("refresh_website_cache", _("Can refresh the website cache"))]

    def __str__(self):
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
        verbose_name = _("locale team")
        default_permissions = ()
        permissions = [("work_in_every_locale", _("Can edit and publish content in every locale"))]

    def __str__(self):
        return self.group.name
