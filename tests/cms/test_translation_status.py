"""Where translation stands per locale and kind, and GET /api/translation-status/."""

import pytest
from django.contrib.auth.models import Permission

from cms.editorial.translation_status import status_for
from tests.factories import (
    FooterLinkFactory,
    HeroFactory,
    MenuItemFactory,
    PartnerFactory,
    publish,
)
from tests.sitecontent.test_translation import submit_translation, translate_strings

pytestmark = pytest.mark.django_db
TOKEN = "status-test-token"


def translated(item, strings, ar, django_capture_on_commit_callbacks):
    translation = submit_translation(item, ar)
    translate_strings(translation, strings)
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    return translation


@pytest.fixture
def content(ar, django_capture_on_commit_callbacks):
    up_to_date = publish(HeroFactory(title="Up to date", description="d", button_label="b"))
    translated(
        up_to_date,
        {"Up to date": "محدث", "d": "و", "b": "ب"},
        ar,
        django_capture_on_commit_callbacks,
    )

    changed = publish(HeroFactory(title="Changed", description="d", button_label="b"))
    translated(
        changed, {"Changed": "تغير", "d": "و", "b": "ب"}, ar, django_capture_on_commit_callbacks
    )
    changed.description = "A new description, not synced yet"
    publish(changed)

    publish(PartnerFactory(name="Untranslated"))

    draft = publish(FooterLinkFactory(label="Draft only"))
    submit_translation(draft, ar)  # created, never published

    resynced = publish(MenuItemFactory(label="About"))
    translation = translated(resynced, {"About": "من نحن"}, ar, django_capture_on_commit_callbacks)
    resynced.label = "About us"
    publish(resynced)
    translation.source.update_from_db()  # synced: "About us" has no Arabic yet


def test_the_status_counts_missing_outdated_and_draft_translations(content):
    kinds = status_for("ar")["kinds"]
    assert kinds["heroes"] == {
        "sources": 2,
        "translated": 1,
        "missing": [],
        "outdated": ["Changed"],
        "drafts": [],
        "fallback": 0,
    }
    assert kinds["partners"]["missing"] == ["Untranslated"]
    assert kinds["footer"]["drafts"] == ["Draft only"]
    assert kinds["menu"]["outdated"] == ["About us"]


def test_the_fallback_total_matches_what_the_arabic_payload_serves_in_english(client, content):
    status = status_for("ar")
    data = client.get("/api/website-data/?locale=ar").json()["data"]
    items = [
        *(item for section in ("menu", "heroes", "partners", "footer") for item in data[section]),
        data["home"],  # no Arabic home page here: it falls back as well
    ]
    served_in_english = sum(1 for item in items if item["fallback_locale"] == "en")
    assert status["fallback_total"] == served_in_english == 3


def test_the_status_api_needs_the_token_and_a_translation_locale(client, content, settings):
    settings.CMS_CACHE_REFRESH_TOKEN = TOKEN
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/api/translation-status/?locale=ar").status_code == 401
    assert client.get("/api/translation-status/?locale=en", headers=auth).status_code == 400
    assert client.get("/api/translation-status/?locale=fr", headers=auth).status_code == 400
    response = client.get("/api/translation-status/?locale=ar-SA", headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["data"]["kinds"]["partners"]["missing"] == ["Untranslated"]


def test_the_admin_report_lists_the_status_and_exports_csv(editor_client, content):
    from django.urls import reverse

    url = reverse("cms_translation_status_report")
    page = editor_client.get(url)
    assert page.status_code == 200
    assert "Untranslated" in page.text and "Draft only" in page.text and "About us" in page.text
    assert "Translation status" in editor_client.get(reverse("wagtailadmin_home")).text

    export = editor_client.get(url, {"export": "csv"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0] == (
        "locale,kind,sources,up_to_date,missing,outdated,drafts,served_in_default_language"
    )
    assert any(line.startswith("ar,partners,1,0,Untranslated") for line in lines)


def test_translators_see_the_report_and_others_do_not(translator_client, client, content):
    from django.urls import reverse

    from tests.factories import UserFactory

    url = reverse("cms_translation_status_report")
    assert translator_client.get(url).status_code == 200
    outsider = UserFactory(groups=[])  # may use the admin, not translate
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    assert client.get(url).status_code == 302
