"""A translator's whole flow through wagtail-localize's admin views: submit, translate each
string in the translation editor, submit it for review; the Arabic approver approves it."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from wagtail_localize.models import Translation

from sitecontent.models import Hero
from tests.factories import HeroFactory, UserFactory, publish

pytestmark = pytest.mark.django_db

ARABIC = {"Clean power": "طاقة نظيفة", "Solar for all": "طاقة شمسية للجميع", "Go": "انطلق"}


def test_a_translator_translates_a_hero_and_its_arabic_approver_publishes_it(
    translator_client, ar
):
    hero = publish(
        HeroFactory(title="Clean power", description="Solar for all", button_label="Go")
    )

    submit = reverse(
        "wagtail_localize:submit_snippet_translation", args=["sitecontent", "hero", hero.pk]
    )
    assert translator_client.get(submit).status_code == 200
    response = translator_client.post(submit, {"locales": [ar.pk]})
    assert response.status_code == 302

    arabic = hero.get_translation(ar)
    assert arabic.live is False  # a draft until the translator publishes it

    edit = reverse("wagtailsnippets_sitecontent_hero:edit", args=[arabic.pk])
    editor_page = translator_client.get(edit)
    assert editor_page.status_code == 200
    assert "Translation of Clean power into Arabic" in editor_page.text

    translation = Translation.objects.get(source__object_id=hero.translation_key)
    for segment in translation.source.stringsegment_set.select_related("string"):
        string_url = reverse(
            "wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk]
        )
        response = translator_client.put(
            string_url,
            urlencode({"value": ARABIC[segment.string.data]}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 201

    response = translator_client.post(edit, {"cms-submit-for-review": "1"})
    assert response.status_code == 302
    arabic.refresh_from_db()
    assert arabic.live is False  # until approved

    translator_client.force_login(UserFactory(groups=["Approvers", "Approvers: Arabic"]))
    task_state = arabic.current_workflow_task_state
    approve = reverse(
        "wagtailsnippets_sitecontent_hero:workflow_action",
        args=[arabic.pk, "approve", task_state.pk],
    )
    assert translator_client.post(approve, {"comment": ""}).status_code == 302
    arabic.refresh_from_db()
    assert arabic.live is True
    assert (arabic.title, arabic.description, arabic.button_label) == (
        "طاقة نظيفة",
        "طاقة شمسية للجميع",
        "انطلق",
    )
    # The English source is untouched.
    assert Hero.objects.get(pk=hero.pk).title == "Clean power"
