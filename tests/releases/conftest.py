import pytest
from wagtail.models import Locale

from cms.delivery import propagation
from cms.releases import membership
from cms.releases.models import Release
from sitecontent.models import Hero, MenuItem
from tests.cms.conftest import site  # noqa: F401 (a fixture)
from tests.factories import AnnouncementFactory, PartnerFactory, UserFactory
from tests.webhooks.conftest import endpoint, frontend  # noqa: F401 (fixtures)


def draft(item, **fields):
    """Save a new version of `item` with `fields` changed, not published."""
    for name, value in fields.items():
        setattr(item, name, value)
    item.save_revision()
    return item


@pytest.fixture
def approver(db):
    """An approver of both locales: who approves a release in English and Arabic."""
    return UserFactory(groups=["Approvers", "Approvers: English", "Approvers: Arabic"])


@pytest.fixture
def campaign(site, editor):  # noqa: F811 (the fixture imported above)
    """The summer campaign: six changes in two locales, none of them live yet. The heroes and
    menu items are new versions of live items; the partner and the announcement are new."""
    arabic = Locale.objects.get(language_code="ar")
    hero = draft(site["hero"], title="Summer power")
    arabic_hero = draft(Hero.objects.get(locale=arabic, title="طاقة نظيفة"), title="طاقة الصيف")
    about = draft(site["about"], label="About us")
    arabic_about = draft(MenuItem.objects.get(locale=arabic, label="من نحن"), label="عنا")
    partner = PartnerFactory(name="Sunrise")
    announcement = AnnouncementFactory(message="Summer sale")
    release = Release.objects.create(name="Summer campaign", live=False)
    items = [hero, arabic_hero, about, arabic_about, partner, announcement]
    membership.add(release, items, editor)
    release.refresh_from_db()
    return release


@pytest.fixture
def launching(django_capture_on_commit_callbacks):
    """Publish a release as one request would (one change), with what runs on commit run;
    returns the fresh release."""

    def launch(release, user=None):
        release.refresh_from_db()
        with propagation.one_change(), django_capture_on_commit_callbacks(execute=True):
            revision = release.save_revision(user=user)
            release.publish(revision, user=user)
        release.refresh_from_db()
        return release

    return launch
