"""Scheduled publishing as the worker runs it (cms.scheduling.scheduler): what is due goes live
and what expired goes, through the same propagation as an editor's publish; the revision that
was scheduled is the one published; an item that fails or expired first is not the end of the
sweep. Real commits, two workers and the worker process itself are in
tests/stack/test_scheduling.py."""

import re
from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import formats, timezone
from wagtail.models import Page, Revision

from cms.scheduling import scheduler
from cms.scheduling.models import SchedulerRun
from sitecontent.models import Hero, Partner
from tests.cms.conftest import edit_form, get_data
from tests.factories import HeroFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def schedule(item, go_live_in=timedelta(hours=1), expire_in=None):
    """Publish `item` with a go-live time, as the admin's *Set schedule* does; returns the
    revision Wagtail scheduled."""
    now = timezone.now()
    item.go_live_at = now + go_live_in
    item.expire_at = now + expire_in if expire_in is not None else None
    revision = item.save_revision()
    revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None, "Wagtail scheduled it"
    return revision


def let_time_pass(revision, by=timedelta(hours=1, seconds=1)):
    """The clock moves on: the schedule is now due (as the database sees it tomorrow)."""
    content = dict(revision.content)
    for name in ("go_live_at", "expire_at"):
        if content.get(name):
            content[name] = (timezone.datetime.fromisoformat(content[name]) - by).isoformat()
    Revision.objects.filter(pk=revision.pk).update(
        approved_go_live_at=revision.approved_go_live_at - by, content=content
    )
    revision.refresh_from_db()


def swept(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return scheduler.sweep()


def titles(client, locale="en"):
    return [hero["title"] for hero in get_data(client, f"?locale={locale}")["heroes"]]


def test_a_scheduled_hero_is_not_served_before_its_time_and_is_once_it_comes(
    client, site, django_capture_on_commit_callbacks
):
    revision = schedule(HeroFactory(title="Summer campaign"))
    assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep()
    assert "Summer campaign" not in titles(client)

    let_time_pass(revision)
    assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(published=1)
    assert "Summer campaign" in titles(client)  # the cache was purged: no stale payload
    hero = Hero.objects.get(title="Summer campaign")
    assert hero.live and hero.live_revision_id == revision.pk
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()


def test_a_live_partner_whose_expiry_came_is_unpublished_and_marked_expired(
    client, site, django_capture_on_commit_callbacks
):
    noor = site["noor"]
    assert "Noor" in [p["name"] for p in get_data(client, "?sections=partners")["partners"]]
    Partner.objects.filter(pk=noor.pk).update(expire_at=timezone.now() - timedelta(seconds=1))

    assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(expired=1)
    noor.refresh_from_db()
    assert not noor.live and noor.expired
    assert "Noor" not in [p["name"] for p in get_data(client, "?sections=partners")["partners"]]


def test_what_goes_live_is_the_revision_scheduled_not_a_draft_saved_since(
    client, site, django_capture_on_commit_callbacks
):
    hero = site["hero"]
    hero.title = "Scheduled title"
    revision = schedule(hero)
    hero.title = "A later draft nobody approved"
    hero.go_live_at = None
    hero.save_revision()  # a draft, saved after the schedule

    let_time_pass(revision)
    swept(django_capture_on_commit_callbacks)
    assert "Scheduled title" in titles(client)
    assert "A later draft nobody approved" not in titles(client)


def test_a_revision_that_expired_before_it_went_live_is_not_published(
    client, site, django_capture_on_commit_callbacks
):
    revision = schedule(
        HeroFactory(title="Missed its window"),
        go_live_in=timedelta(hours=1),
        expire_in=timedelta(hours=2),
    )
    let_time_pass(revision, by=timedelta(hours=3))  # both times are past now

    assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep()
    assert not Hero.objects.get(title="Missed its window").live
    assert "Missed its window" not in titles(client)
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None  # dropped, not retried forever


def test_an_item_that_fails_is_retried_next_sweep_and_the_others_go_live(
    client, site, django_capture_on_commit_callbacks, monkeypatch
):
    partner = schedule(PartnerFactory(name="Fails first"))
    hero = schedule(HeroFactory(title="Goes live anyway"))
    let_time_pass(partner)
    let_time_pass(hero)

    def broken(self, *args, **kwargs):
        raise RuntimeError("storage unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(Partner, "publish", broken)
        assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(published=1, failed=1)
    assert "Goes live anyway" in titles(client)
    assert not Partner.objects.get(name="Fails first").live

    assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(published=1)
    assert Partner.objects.get(name="Fails first").live


def test_a_scheduled_change_to_a_live_page_replaces_it_at_its_time(
    client, site, django_capture_on_commit_callbacks
):
    home = site["home"]
    home.heading = "Launch day"
    revision = schedule(home)
    assert get_data(client, "?sections=home")["home"]["heading"] == "Welcome"

    let_time_pass(revision)
    assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(published=1)
    assert get_data(client, "?sections=home")["home"]["heading"] == "Launch day"


def test_a_live_page_whose_expiry_came_is_unpublished_and_leaves_the_payload(
    client, site, django_capture_on_commit_callbacks
):
    home = site["home"]
    assert get_data(client, "?sections=home")["home"]["heading"] == "Welcome"
    Page.objects.filter(pk=home.pk).update(expire_at=timezone.now() - timedelta(seconds=1))

    assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(expired=1)
    home.refresh_from_db()
    assert not home.live and home.expired
    assert get_data(client, "?sections=home")["home"] is None


def test_while_another_worker_sweeps_this_one_leaves_the_batch_to_it(
    site, django_capture_on_commit_callbacks
):
    """One worker's one change per batch: a second worker due at the same moment skips."""
    import psycopg2
    from django.db import connection

    other_worker = psycopg2.connect(**connection.get_connection_params())
    other_worker.autocommit = True
    noor = site["noor"]
    Partner.objects.filter(pk=noor.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    try:
        other_worker.cursor().execute("SELECT pg_advisory_lock(%s)", [scheduler.SWEEP_LOCK])
        assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep()
        assert Partner.objects.get(pk=noor.pk).live
        other_worker.cursor().execute("SELECT pg_advisory_unlock(%s)", [scheduler.SWEEP_LOCK])
        assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(expired=1)
    finally:
        other_worker.close()


def test_health_says_when_the_scheduler_last_ran_and_when_it_is_late(client, site):
    assert client.get("/health/").json()["checks"]["scheduler"] == {
        "status": "late",
        "last_run": None,
    }
    now = timezone.now()
    scheduler.record(scheduler.Sweep(published=2), now)
    scheduler.record(scheduler.Sweep(expired=1), now)
    answer = client.get("/health/")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"
    assert answer.json()["checks"]["scheduler"] == {"status": "ok", "last_run": now.isoformat()}
    run = SchedulerRun.objects.get()
    assert (run.published, run.expired, run.failed) == (2, 1, 0)

    SchedulerRun.objects.update(ran_at=now - scheduler.LATE - timedelta(seconds=1))
    assert client.get("/health/").json()["checks"]["scheduler"]["status"] == "late"


def test_the_dashboard_warns_while_no_worker_runs_the_scheduler(site, editor_client):
    warning = "Scheduled publishing is not running"
    assert warning in editor_client.get("/admin/").text
    scheduler.record(scheduler.Sweep(), timezone.now())
    assert warning not in editor_client.get("/admin/").text


def test_the_listing_shows_what_is_scheduled_as_such(site, editor_client):
    schedule(HeroFactory(title="Waiting for Monday"))
    hero = site["hero"]
    hero.title = "Clean power, renewed"
    schedule(hero)
    listing = editor_client.get("/admin/snippets/sitecontent/hero/?locale=en").text
    statuses = re.findall(r'class="w-status[^"]*">\s*([^<]+?)\s*<', listing)
    assert statuses.count("live + scheduled") == 1  # the live hero with a change coming
    assert statuses.count("scheduled") == 1  # the new one


def test_the_item_shows_its_schedule_in_its_status_panel(site, editor_client):
    hero = site["hero"]
    hero.title = "Clean power, renewed"
    revision = schedule(hero, expire_in=timedelta(days=7))
    page = re.sub(
        r"\s+", " ", editor_client.get(f"/admin/snippets/sitecontent/hero/edit/{hero.pk}/").text
    )

    def shown(moment):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")

    assert f"Go-live:</span> {shown(revision.approved_go_live_at)}<" in page
    assert f"Expiry:</span> {shown(hero.expire_at)}<" in page


def test_an_editor_sets_the_schedule_in_the_edit_view_and_publishing_it_schedules_it(
    site, publisher_client, client
):
    hero = site["hero"]
    url, page, values = edit_form(publisher_client, hero)
    dialog = page.find(id="schedule-publishing-dialog")  # behind *Set schedule*
    assert {field["name"] for field in dialog.find_all("input")} >= {"go_live_at", "expire_at"}
    tomorrow = timezone.localtime() + timedelta(days=1)
    values.update({"title": "Clean power, tomorrow", "action-publish": "action-publish"})
    values["go_live_at"] = tomorrow.strftime("%Y-%m-%d %H:%M")
    response = publisher_client.post(url, values)

    assert response.status_code == 302, response.content
    revision = Revision.objects.get(pk=Hero.objects.get(pk=hero.pk).latest_revision_id)
    assert revision.approved_go_live_at == tomorrow.replace(second=0, microsecond=0)
    assert titles(client)[0] == "Clean power"  # until its time


def test_an_expiry_that_fails_is_retried_and_the_sweep_goes_on(
    site, django_capture_on_commit_callbacks, monkeypatch
):
    noor = site["noor"]
    Partner.objects.filter(pk=noor.pk).update(expire_at=timezone.now() - timedelta(seconds=1))

    def broken(self, *args, **kwargs):
        raise RuntimeError("storage unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(Partner, "unpublish", broken)
        assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(failed=1)
    assert swept(django_capture_on_commit_callbacks) == scheduler.Sweep(expired=1)


class OneRound:
    """The worker's loop, run once in this thread and this test's transaction: its
    connection handling is the worker's own business."""

    def __init__(self, monkeypatch):
        monkeypatch.setattr(scheduler, "close_old_connections", lambda: None)
        monkeypatch.setattr(scheduler.connections, "close_all", lambda: None)
        monkeypatch.setattr(scheduler._thread.stopping, "wait", self.stop)
        scheduler._thread.stopping.clear()

    def stop(self, seconds):
        scheduler._thread.stopping.set()

    def run(self):
        scheduler._run(1.0)
        scheduler._thread.stopping.clear()


def test_the_workers_loop_sweeps_and_records_that_it_did(
    site, monkeypatch, django_capture_on_commit_callbacks
):
    revision = schedule(HeroFactory(title="Looped"))
    let_time_pass(revision)
    with django_capture_on_commit_callbacks(execute=True):
        OneRound(monkeypatch).run()
    assert Hero.objects.get(title="Looped").live
    assert SchedulerRun.objects.get().published == 1


def test_the_workers_loop_outlives_a_database_that_does_not_answer(site, monkeypatch, caplog):
    def unreachable(now=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(scheduler, "sweep", unreachable)
    OneRound(monkeypatch).run()
    assert "could not sweep" in caplog.text
    assert not SchedulerRun.objects.exists()
