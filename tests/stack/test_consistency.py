"""No reader is served a copy older than a publish that returned, whatever Redis does: refuse
writes (a replica after a failover answers READONLY; a full Redis under noeviction answers OOM),
pause them (CLIENT PAUSE WRITE), freeze while nobody reads, or restart from an older snapshot.

Two gunicorn app servers and an nginx in front of the first, on the stack's database and on a
Redis of this module's own, which each test breaks for real. Readers read the Arabic website
data in a loop straight from both app servers and through nginx (as browsers do too: with the
frontend's Origin and with another's) while a publisher (the app's code, in a process of its
own) publishes. A read is stale when it began more than GRACE after a publish returned and
shows an older title (docs/consistency.md says why the bound is GRACE).

`make drill` runs these with each fault held for CMS_DRILL_FAULT_SECONDS (10) and prints the
figures; the suite holds it for FAULT_SECONDS.
"""

import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass

import pytest

from scripts.loopback import configure, free_port, start_gunicorn, wait_for_port
from tests.stack.clients import Publisher, Reader
from tests.stack.conftest import ALLOWED_ORIGIN, SERVER_NAME

GRACE = 2.0  # seconds after a publish returned by which every reader must see it
FAULT_SECONDS = float(os.environ.get("CMS_DRILL_FAULT_SECONDS", "4"))
SLOWEST = 2.0  # seconds no request may take, fault or not
PATH = "/api/website-data/?locale=ar"


@dataclass
class RedisServer:
    """A redis-server of the test's own, with a snapshot file it can restart from."""

    workdir: object
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self):
        self.port = self.port or free_port()
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--dbfilename",
                "snapshot.rdb",
            ],
            stdout=(self.workdir / "redis.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, self.process)

    def cli(self, *args):
        return subprocess.run(
            ["redis-cli", "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()

    def signal(self, number):
        os.kill(self.process.pid, number)

    def kill(self):
        self.process.kill()
        self.process.wait(10)


@pytest.fixture(scope="module")
def deployment(stack, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("consistency")
    workdir.chmod(0o755)
    redis = RedisServer(workdir)
    redis.start()
    ports = [free_port(), free_port()]
    nginx = configure(
        workdir / "nginx",
        server_name=SERVER_NAME,
        app_port=ports[0],
        site_root=stack.workdir,
        certificate=stack.workdir / "tls.crt",
        key=stack.workdir / "tls.key",
        cors_origins=ALLOWED_ORIGIN,
    )
    env = {
        **stack.env,
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "CMS_NGINX_PURGE_URLS": nginx.purge_url,
        "CMS_SURROGATE_PURGE_URL": "",
        "HOME": str(workdir),
    }
    apps = [
        start_gunicorn(env, port, log=workdir / f"gunicorn-{n}.log")
        for n, port in enumerate(ports)
    ]
    publisher = Publisher(env)
    try:
        for port, app in zip(ports, apps, strict=True):
            wait_for_port(port, app)
        nginx.start()
        yield redis, ports, nginx, publisher
    finally:
        publisher.close()
        nginx.stop()
        for app in apps:
            app.terminate()
            app.wait(10)
        redis.kill()


def readers_of(ports, nginx):
    direct = {"X-Forwarded-Proto": "https"}  # as nginx would say (gunicorn trusts loopback)
    readers = [Reader(f"app {n}", port, False, PATH, "ar", direct) for n, port in enumerate(ports)]
    readers.append(Reader("nginx", nginx.https_port, True, PATH, "ar"))
    readers += [
        Reader(f"nginx Origin {origin}", nginx.https_port, True, PATH, "ar", {"Origin": origin})
        for origin in (ALLOWED_ORIGIN, "https://other.example")
    ]
    return readers


def read_while(readers, action):
    """Run the readers while `action()` runs; return what `action` returned."""
    stop = threading.Event()
    threads = [threading.Thread(target=reader.run, args=(stop,)) for reader in readers]
    for thread in threads:
        thread.start()
    try:
        return action()
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)


def verdict(readers, published):
    """Figures of what the readers saw: `published` is [(returned at, number)]."""
    stale = [
        (reader.name, round(began - returned, 2), number, latest, source)
        for reader in readers
        for (began, number), source in zip(reader.reads, reader.sources, strict=True)
        for returned, latest in published
        if began > returned + GRACE and number < latest
    ]
    figures = {
        reader.name: {
            "reads": len(reader.reads),
            "errors": len(reader.errors),
            "slowest_s": round(reader.slowest, 3),
            **({"slow": reader.slow[:5]} if reader.slow else {}),
        }
        for reader in readers
    }
    figures["stale"] = len(stale)
    for reader in readers:
        mine = [read for read in stale if read[0] == reader.name]
        if mine:
            figures[reader.name]["stale"] = len(mine)
            figures[reader.name]["stale_after_s"] = [mine[0][1], mine[-1][1]]
            figures[reader.name]["stale_sources"] = sorted({read[4] for read in mine}, key=str)
    print(json.dumps(figures))
    return stale, figures


def assert_fresh_and_quick(readers, published):
    stale, figures = verdict(readers, published)
    assert stale[:5] == [], figures
    assert [reader.errors[:3] for reader in readers if reader.errors] == [], figures
    assert max(reader.slowest for reader in readers) < SLOWEST, figures
    for reader in readers:
        assert len(reader.reads) >= 20, figures


def publish_during(deployment, fault, clear, title_number, seconds=FAULT_SECONDS):
    """Readers throughout; the fault on; a publish; the fault on for `seconds` more; the
    fault cleared; reads for GRACE + 2 s after. Returns the readers and the publishes."""
    _, ports, nginx, publisher = deployment
    readers = readers_of(ports, nginx)
    published = []

    def scenario():
        publisher.publish("ar", f"Fresh {title_number}")
        published.append((time.monotonic(), title_number))
        time.sleep(1)
        fault()
        try:
            time.sleep(0.5)
            publisher.publish("ar", f"Fresh {title_number + 1}")
            published.append((time.monotonic(), title_number + 1))
            time.sleep(seconds)
        finally:
            clear()
        time.sleep(GRACE + 2)

    read_while(readers, scenario)
    return readers, published


def test_a_redis_turned_replica_that_refuses_writes_serves_no_stale_read(deployment):
    redis = deployment[0]
    dead_master = str(free_port())
    readers, published = publish_during(
        deployment,
        lambda: redis.cli("REPLICAOF", "127.0.0.1", dead_master),
        lambda: redis.cli("REPLICAOF", "NO", "ONE"),
        100,
    )
    assert_fresh_and_quick(readers, published)


def test_a_full_redis_that_refuses_writes_serves_no_stale_read(deployment):
    redis = deployment[0]

    def full():
        redis.cli("CONFIG", "SET", "maxmemory-policy", "noeviction")
        redis.cli("CONFIG", "SET", "maxmemory", "1")

    readers, published = publish_during(
        deployment, full, lambda: redis.cli("CONFIG", "SET", "maxmemory", "0"), 200
    )
    assert_fresh_and_quick(readers, published)


def test_a_redis_that_pauses_writes_serves_no_stale_read_and_no_slow_one(deployment):
    redis = deployment[0]
    readers, published = publish_during(
        deployment,
        lambda: redis.cli("CLIENT", "PAUSE", "10000", "WRITE"),
        lambda: redis.cli("CLIENT", "UNPAUSE"),
        300,
    )
    assert_fresh_and_quick(readers, published)


def test_a_publish_during_a_quiet_redis_freeze_is_served_once_redis_is_back(deployment):
    """Nobody reads while Redis is frozen: no process notices the outage but the publisher."""
    redis, ports, nginx, publisher = deployment
    warm = readers_of(ports, nginx)
    read_while(warm, lambda: (publisher.publish("ar", "Fresh 400"), time.sleep(1)))
    redis.signal(signal.SIGSTOP)
    try:
        time.sleep(1)
        publisher.publish("ar", "Fresh 401")
        published = [(time.monotonic(), 401)]
        time.sleep(max(9, FAULT_SECONDS))
    finally:
        redis.signal(signal.SIGCONT)
    readers = readers_of(ports, nginx)
    read_while(readers, lambda: time.sleep(GRACE + 3))
    # Every read after Redis is back began more than GRACE after the publish returned.
    assert_fresh_and_quick(readers, [(published[0][0] - GRACE, 401)])


def test_a_redis_restarted_from_an_older_snapshot_serves_no_stale_read(deployment):
    """The snapshot holds the payload (and its generation tokens) from before a publish."""
    redis, ports, nginx, publisher = deployment
    warm = readers_of(ports, nginx)
    read_while(warm, lambda: (publisher.publish("ar", "Fresh 500"), time.sleep(1)))
    redis.cli("SAVE")
    readers = readers_of(ports, nginx)
    published = []

    def scenario():
        publisher.publish("ar", "Fresh 501")
        published.append((time.monotonic(), 501))
        time.sleep(1)
        redis.kill()
        redis.start()  # loads snapshot.rdb: Fresh 500, as it was cached before the publish
        time.sleep(GRACE + 3)

    read_while(readers, scenario)
    assert_fresh_and_quick(readers, published)
