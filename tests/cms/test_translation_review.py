"""Translations reviewed per locale (cms.editorial.translation_review): with
CMS_TRANSLATIONS_NEED_REVIEW on, a translator's work in wagtail-localize ends in *Submit for
review*, the locale's approvers review it in the same editor, source beside translation, and
approve (it goes live) or send it back with a comment. A live translation stays live, as it
was, while its next version waits. Off, translators publish from the editor as before."""

import json
import re

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.editorial.approval import REFUSAL
from cms.editorial.roles import apply_roles
from home.models import HomePage
from sitecontent.models import Hero
from tests.factories import ARABIC_TEAM, HeroFactory, UserFactory, publish
from tests.sitecontent.test_translation import submit_translation, translate_strings

pytestmark = pytest.mark.django_db

ARABIC = {"Clean power": "طاقة نظيفة", "Solar": "شمسية", "Go": "انطلق"}


@pytest.fixture
def arabic_approver(db):
    return UserFactory(groups=["Approvers", "Approvers: Arabic"])


@pytest.fixture
def english_approver(db):
    return UserFactory(groups=["Approvers", "Approvers: English"])


@pytest.fixture
def translation(ar):
    """An English hero translated into Arabic, every string done, not yet live."""
    hero = publish(HeroFactory(title="Clean power", description="Solar", button_label="Go"))
    translation = submit_translation(hero, ar)
    translate_strings(translation, ARABIC)
    return translation


def target(translation):
    return Hero.objects.get(
        translation_key=translation.source.object_id, locale=translation.target_locale
    )


def edit_url(obj):
    return reverse("wagtailsnippets_sitecontent_hero:edit", args=[obj.pk])


def editor_props(response):
    """The props wagtail-localize's React editor is rendered with."""
    raw = re.search(r'data-props="([^"]*)"', response.text).group(1)
    return json.loads(raw.replace("&quot;", '"').replace("&amp;", "&").replace("&#x27;", "'"))


def submit(client, obj):
    return client.post(edit_url(obj), {"cms-submit-for-review": "1"})


def approve(client, obj, action="approve", comment=""):
    task_state = Hero.objects.get(pk=obj.pk).current_workflow_task_state
    url = reverse(
        "wagtailsnippets_sitecontent_hero:workflow_action", args=[obj.pk, action, task_state.pk]
    )
    return client.post(url, {"comment": comment})


def test_translators_publish_nothing_while_translations_need_review(translator):
    assert not any(translator.has_perm(f"sitecontent.publish_{m}") for m in ("hero", "menuitem"))
    team = translator.groups.get(name=ARABIC_TEAM)
    assert not team.page_permissions.filter(permission__codename="publish_page").exists()


def test_the_translation_editor_offers_submit_for_review_not_publish(
    translator_client, translation
):
    response = translator_client.get(edit_url(target(translation)))
    assert "Submit for review in Arabic" in response.text
    assert editor_props(response)["perms"]["canPublish"] is False


def test_a_submitted_translation_waits_for_the_arabic_approvers_and_stays_off_the_site(
    client, translator_client, translation, mailoutbox, arabic_approver, english_approver
):
    arabic = target(translation)
    assert submit(translator_client, arabic).status_code == 302

    arabic = target(translation)
    assert not arabic.live
    assert arabic.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert arabic.latest_revision.content["title"] == "طاقة نظيفة"
    assert [m.to for m in mailoutbox if "طاقة نظيفة" in m.body] == [[arabic_approver.email]]
    client.logout()
    titles = [
        h["title"] for h in client.get("/api/website-data/?locale=ar").json()["data"]["heroes"]
    ]
    assert "طاقة نظيفة" not in titles


def test_a_live_translation_stays_live_and_unchanged_while_its_next_version_waits(
    client, translator_client, translation
):
    translation.save_target(publish=True)
    translate_strings(translation, {**ARABIC, "Clean power": "طاقة أنظف"})

    assert submit(translator_client, target(translation)).status_code == 302

    arabic = target(translation)
    assert (arabic.live, arabic.title) == (True, "طاقة نظيفة")
    titles = [
        h["title"] for h in client.get("/api/website-data/?locale=ar").json()["data"]["heroes"]
    ]
    assert "طاقة نظيفة" in titles


def test_the_arabic_approver_reviews_it_in_the_editor_and_approves_it(
    client, translator_client, translation, arabic_approver
):
    submit(translator_client, target(translation))
    client.force_login(arabic_approver)
    page = client.get(edit_url(target(translation)))
    assert "Waiting for review" in page.text
    assert "Approve and publish" in page.text and "Request changes" in page.text
    assert "Clean power" in page.text  # the source, beside the translation

    assert approve(client, target(translation)).status_code == 302
    arabic = target(translation)
    assert (arabic.live, arabic.title) == (True, "طاقة نظيفة")
    client.logout()
    titles = [
        h["title"] for h in client.get("/api/website-data/?locale=ar").json()["data"]["heroes"]
    ]
    assert "طاقة نظيفة" in titles


def test_an_english_approver_can_neither_see_the_controls_nor_approve(
    client, translator_client, translation, english_approver
):
    submit(translator_client, target(translation))
    client.force_login(english_approver)
    assert "Approve and publish" not in client.get(edit_url(target(translation))).text
    approve(client, target(translation))
    arabic = target(translation)
    assert not arabic.live
    assert arabic.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_sent_back_with_a_comment_the_translator_sees_it_fixes_and_resubmits(
    client, translator, translation, arabic_approver
):
    client.force_login(translator)
    submit(client, target(translation))
    client.force_login(arabic_approver)
    approve(client, target(translation), "reject", "Use 'نظيفة جداً'")
    state = target(translation).current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES

    client.force_login(translator)
    assert (
        "Changes requested: “Use &#x27;نظيفة جداً&#x27;”"
        in client.get(edit_url(target(translation))).text
    )
    translate_strings(translation, {**ARABIC, "Clean power": "طاقة نظيفة جداً"})
    submit(client, target(translation))
    resumed = target(translation).current_workflow_state
    assert (resumed.pk, resumed.status) == (state.pk, WorkflowState.STATUS_IN_PROGRESS)

    client.force_login(arabic_approver)
    approve(client, target(translation))
    assert target(translation).title == "طاقة نظيفة جداً"


def test_publishing_from_the_translation_editor_is_refused_while_review_is_on(
    translator_client, translation
):
    response = translator_client.post(edit_url(target(translation)), {"action": "publish"})
    assert response.status_code == 403
    assert str(REFUSAL) in response.text
    assert not target(translation).live


def test_the_arabic_home_page_translation_is_reviewed_the_same_way(
    client, translator, arabic_approver, home_page, ar
):
    translation = submit_translation(home_page, ar)
    arabic_home = HomePage.objects.get(translation_key=home_page.translation_key, locale=ar)
    client.force_login(translator)
    edit = reverse("wagtailadmin_pages:edit", args=[arabic_home.pk])
    assert "Submit for review in Arabic" in client.get(edit).text
    assert client.post(edit, {"cms-submit-for-review": "1"}).status_code == 302
    assert HomePage.objects.get(pk=arabic_home.pk).workflow_in_progress

    client.force_login(arabic_approver)
    task_state = HomePage.objects.get(pk=arabic_home.pk).current_workflow_task_state
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[arabic_home.pk, "approve", task_state.pk]
    )
    assert client.post(approve_url, {"comment": ""}).status_code == 302
    assert HomePage.objects.get(pk=arabic_home.pk).live
    assert translation.target_locale == ar


def test_without_review_translators_publish_from_the_editor_as_before(
    settings, translator_client, translator, translation
):
    settings.CMS_TRANSLATIONS_NEED_REVIEW = False
    apply_roles()
    translator = type(translator).objects.get(pk=translator.pk)  # fresh permission cache
    assert translator.has_perm("sitecontent.publish_hero")

    page = translator_client.get(edit_url(target(translation)))
    assert "Submit for review" not in page.text
    assert editor_props(page)["perms"]["canPublish"] is True
    assert (
        translator_client.post(edit_url(target(translation)), {"action": "publish"}).status_code
        == 302
    )
    assert target(translation).live

    settings.CMS_TRANSLATIONS_NEED_REVIEW = True
    apply_roles()  # and turned back on, the permission goes again
    assert not type(translator).objects.get(pk=translator.pk).has_perm("sitecontent.publish_hero")
