"""Webhooks through the real worker (`manage.py cms_worker`, django-tasks' database queue) on
the stack's PostgreSQL: no delivery is lost when the receiver is down for a minute and the
worker is killed and restarted mid-run, and a burst of publishes is one event per endpoint
and locale. The receiver verifies every delivery with the `standardwebhooks` library."""

import json
import signal
import subprocess
import sys
import time

import pytest

from scripts.loopback import start_worker
from tests.stack.conftest import ROOT
from tests.stack.test_edge_caches import Publisher
from tests.webhooks.receiver import Receiver

RECEIVER_DOWN = 60  # seconds, as the issue asks


def manage_shell(env, code):
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return run.stdout.strip()


def endpoint_for(env, receiver, name):
    """Create an endpoint pointing at the receiver; the receiver verifies with its secret."""
    receiver.secrets = [
        manage_shell(
            env,
            "from cms.webhooks.models import WebhookEndpoint as E;"
            f"E.objects.filter(name={name!r}).delete();"
            f"print(E.objects.create(name={name!r}, url={receiver.url!r}).secret)",
        )
    ]


def events_by_status(env):
    return json.loads(
        manage_shell(
            env,
            "import json;from django.db.models import Count;"
            "from cms.webhooks.models import WebhookEvent as E;"
            "print(json.dumps({r['status']: r['n'] for r in "
            "E.objects.values('status').annotate(n=Count('pk'))}))",
        )
    )


class Worker:
    def __init__(self, env):
        self.env = env
        self.process = None

    def start(self):
        self.process = start_worker(self.env)
        time.sleep(0.5)
        assert self.process.poll() is None, "the worker did not start"

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@pytest.fixture
def webhook_env(stack):
    env = {
        **stack.env,
        "CMS_WEBHOOK_ALLOW_PRIVATE": "true",  # the receiver is on loopback
        "CMS_WEBHOOK_RETRY_DELAYS": ",".join(["1"] + ["2"] * 60),  # 2 minutes of retries
        "CMS_WEBHOOK_TIMEOUT_SECONDS": "2",
        "CMS_WORKER_UPKEEP_SECONDS": "1",  # a killed worker's deliveries are found sooner
    }
    manage_shell(
        env,
        "from cms.webhooks.models import WebhookEndpoint, PublishReceipt;"
        "WebhookEndpoint.objects.all().delete(); PublishReceipt.objects.all().delete()",
    )
    return env


@pytest.fixture
def worker(webhook_env):
    running = Worker(webhook_env)
    running.start()
    yield running
    running.stop()


def state(env):
    """What the worker's tables say, for a failure's message."""
    return manage_shell(
        env,
        "from django_tasks_db.models import DBTaskResult as T;"
        "from cms.webhooks.models import PublishReceipt as R, WebhookEvent as E;"
        "print('receipts', list(R.objects.values_list('fanned_out', flat=True)));"
        "print('events', list(E.objects.values_list('status', 'attempts', 'last_error')));"
        "print('tasks', [(t.status, t.exception_class_path, t.traceback[-600:]) "
        "for t in T.objects.all()[:5]])",
    )


def wait_for(condition, seconds, what, env=None):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; " + (state(env) if env else ""))
        time.sleep(0.5)


def titles_delivered(receiver):
    return {
        item["title"]
        for delivery in receiver.received
        if delivery.verified
        for item in delivery.event["data"].get("items", [])
    }


def test_no_delivery_is_lost_with_the_receiver_down_and_the_worker_killed(webhook_env, worker):
    receiver = Receiver().start()
    port = receiver.server.server_port
    endpoint_for(webhook_env, receiver, "www")
    publisher = Publisher(webhook_env)
    titles = []
    try:
        for n in range(50):
            code = "en" if n % 2 else "ar"
            if n == 5:  # the frontend goes down for a minute
                receiver.stop()
                down_since = time.monotonic()
            if n == 25:  # the worker dies mid-run, with deliveries in flight, and comes back
                worker.kill()
            if n == 30:
                worker.start()
            titles.append(publisher.publish(code, f"Webhook {code} {n}"))
            time.sleep(0.4)
        time.sleep(max(0.0, RECEIVER_DOWN - (time.monotonic() - down_since)))
        back = Receiver(secrets=receiver.secrets, received=receiver.received).start(port)
        wait_for(lambda: set(titles) <= titles_delivered(back), 120, "every publish", webhook_env)
        wait_for(
            lambda: set(events_by_status(webhook_env)) == {"delivered"}, 30, "the log to settle"
        )
    finally:
        publisher.close()
        back_running = locals().get("back")
        if back_running is not None:
            back_running.stop()

    deliveries = receiver.received
    assert all(delivery.verified for delivery in deliveries)
    by_id = {}
    for delivery in deliveries:  # duplicates are allowed: the same id means the same message
        by_id.setdefault(delivery.webhook_id, set()).add(delivery.body)
    assert all(len(bodies) == 1 for bodies in by_id.values())
    print(
        f"\n50 publishes, {len(by_id)} events, {len(deliveries)} deliveries "
        f"({len(deliveries) - len(by_id)} duplicates), 0 lost"
    )


def test_a_burst_of_twenty_publishes_is_one_event_per_endpoint_and_locale(webhook_env, worker):
    receivers = [Receiver().start() for _ in range(2)]
    for n, receiver in enumerate(receivers):
        endpoint_for(webhook_env, receiver, f"frontend {n}")
    publisher = Publisher(webhook_env)
    try:
        titles = [publisher.publish("ar", f"Burst {n}") for n in range(20)]
        for receiver in receivers:
            wait_for(
                lambda r=receiver: set(titles) <= titles_delivered(r), 30, "the burst", webhook_env
            )
        time.sleep(2)  # nothing more comes
    finally:
        publisher.close()
        for receiver in receivers:
            receiver.stop()
    for receiver in receivers:
        assert [d.event["data"]["locale"] for d in receiver.received] == ["ar"]


def hero_title(env, code):
    return manage_shell(
        env,
        "from sitecontent.models import Hero;"
        f"print(Hero.objects.filter(locale__language_code={code!r}, live=True)"
        ".order_by('sort_order')[0].title)",
    )


def test_a_publish_whose_process_is_killed_before_announcing_it_is_still_delivered(
    webhook_env, worker
):
    receiver = Receiver().start()
    endpoint_for(webhook_env, receiver, "www")
    # The publishing process waits 3 s between Redis and the shared caches: long enough to
    # be killed after its commit, before anything heard of the change.
    slow = Publisher({**webhook_env, "CMS_EDGE_SETTLE_MS": "3000"})
    try:
        slow.process.stdin.write("ar Killed mid-publish\n")
        slow.process.stdin.flush()
        wait_for(lambda: hero_title(webhook_env, "ar") == "Killed mid-publish", 20, "the commit")
        slow.process.kill()  # committed, never announced
        slow.process.wait(10)
        # The app servers' reconciler finishes it (after REPLAY_AFTER, 30 s).
        wait_for(
            lambda: "Killed mid-publish" in titles_delivered(receiver),
            60,
            "the replay",
            webhook_env,
        )
    finally:
        receiver.stop()
    assert all(delivery.verified for delivery in receiver.received)
