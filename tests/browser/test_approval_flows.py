"""Approval in a real Chromium: an editor's direct publish is refused; the editor submits a
hero, the English approver asks for changes with a comment, the editor reads it, fixes the
hero and submits again, the approver approves, and the hero is live in the API and on the
reference site."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, switch_to
from tests.browser.test_admin_flows import website_data

# A live server needs committed data; serialized_rollback restores what migrations created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def in_action_menu(page, name):
    """Choose `name` in the open edit view's action menu."""
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name=name).click()


def test_a_hero_goes_live_once_its_approver_approves_it_and_not_before(
    page, editor_user, english_approver_user
):
    from sitecontent.models import Hero
    from tests.factories import HeroFactory, publish

    hero = publish(HeroFactory(title="Clean power"))
    edit = f"/admin/snippets/sitecontent/hero/edit/{hero.pk}/"

    # A Publish posted anyway, from the editor's own form (a stale page, a crafted button), is
    # refused with a page that says why, and nothing is saved.
    log_in(page, editor_user)
    page.goto(edit)
    page.fill("#id_title", "Published without approval")
    with page.expect_navigation() as refused:
        page.evaluate(
            """() => {
                const form = document.querySelector("#id_title").form;
                const publish = document.createElement("input");
                Object.assign(publish, {type: "hidden", name: "action-publish", value: "1"});
                form.append(publish);
                form.submit();
            }"""
        )
    assert refused.value.status == 403
    expect(page.get_by_role("alert")).to_contain_text("this change needs approval")
    assert Hero.objects.get(pk=hero.pk).title == "Clean power"
    assert Hero.objects.get(pk=hero.pk).revisions.count() == 1

    # The editor has no Publish: they submit.
    page.goto(edit)
    page.fill("#id_title", "Cleaner power")
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Submit to Marketing approval").click()
    expect(page.get_by_text("has been submitted", exact=False).first).to_be_visible()
    assert Hero.objects.get(pk=hero.pk).title == "Clean power"

    # The approver finds it on the dashboard and asks for changes.
    switch_to(page, english_approver_user)
    expect(page.get_by_role("heading", name="Awaiting your review")).to_be_visible()
    page.get_by_role("link", name="Cleaner power").first.click()
    page.wait_for_url(f"**{edit}")
    in_action_menu(page, "Request changes")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Comment").fill("Say where the power comes from.")
    dialog.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("updated", exact=False).first).to_be_visible()
    state = Hero.objects.get(pk=hero.pk).current_workflow_state
    assert state.status == state.STATUS_NEEDS_CHANGES

    # The editor reads the comment, fixes the hero and submits it again.
    switch_to(page, editor_user)
    page.goto(f"/admin/snippets/sitecontent/hero/workflow_history/{hero.pk}/detail/{state.pk}/")
    expect(page.get_by_text("Say where the power comes from.").first).to_be_visible()
    page.goto(edit)
    page.fill("#id_title", "Cleaner power, from the sun")
    in_action_menu(page, re.compile("Resubmit"))
    expect(page.get_by_text("submitted", exact=False).first).to_be_visible()
    assert Hero.objects.get(pk=hero.pk).title == "Clean power"

    # The approver approves: it is live.
    switch_to(page, english_approver_user)
    page.goto(edit)
    in_action_menu(page, "Approve and Publish")
    expect(page.get_by_text("updated", exact=False).first).to_be_visible()
    assert Hero.objects.get(pk=hero.pk).title == "Cleaner power, from the sun"

    data = website_data(page, "en")
    assert "Cleaner power, from the sun" in [h["title"] for h in data["heroes"]]
    page.goto("/en/")
    expect(
        page.locator("section.hero h2").filter(has_text="Cleaner power, from the sun")
    ).to_be_visible()
