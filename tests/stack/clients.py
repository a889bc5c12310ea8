"""Clients of the stack, as real ones call: a publisher (the app's own code, in a process of its
own) and readers that read one URL in a loop through one layer, noting what each read saw."""

import http.client
import json
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field

from tests.stack.conftest import ROOT, SERVER_NAME

PUBLISHER = """
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from sitecontent.models import Hero
approver = get_user_model().objects.get(username="admin") if "--approved" in sys.argv else None
for line in sys.stdin:
    code, title = line.rstrip("\\n").split(" ", 1)
    hero = Hero.objects.filter(locale__language_code=code, live=True).order_by("sort_order")[0]
    hero.title = title
    if approver is None:
        hero.save_revision().publish()
    else:  # submitted to Marketing approval, and approved: approving publishes it
        hero.save_revision(user=approver)
        task = hero.get_workflow().start(hero, approver).current_task_state.specific
        task.task.specific.on_action(task, approver, "approve")
    print("published", flush=True)
"""


class Publisher:
    """A process of the app's own (production settings, the stack's database and Redis) that
    publishes a hero title when told to, and says when the publish has returned; `approved`:
    by submitting it to Marketing approval and approving it, as an approver's click does."""

    def __init__(self, env, approved=False):
        self.process = subprocess.Popen(
            [sys.executable, "-c", PUBLISHER, *(["--approved"] if approved else [])],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.count = 0

    def publish(self, code, title=None):
        self.count += 1
        title = title or f"Fresh {self.count}"
        self.process.stdin.write(f"{code} {title}\n")
        self.process.stdin.flush()
        for line in self.process.stdout:  # the app's log lines come this way too
            if line.strip() == "published":
                return title
        raise RuntimeError("the publisher exited")

    def close(self):
        self.process.stdin.close()
        self.process.wait(30)


def first_hero(response):
    return response.json()["data"]["heroes"][0]["title"]


class Loopback(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 with the stack's server name (SNI), certificate unchecked; it
    reconnects the same way when nginx closes a kept-alive connection."""

    def __init__(self, port):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        super().__init__("127.0.0.1", port, timeout=10, context=context)

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=SERVER_NAME)


@dataclass
class Reader:
    """Reads one URL through one layer in a loop, noting when each read began and which
    published hero title it saw."""

    name: str
    port: int
    tls: bool
    path: str
    locale: str
    headers: dict = field(default_factory=dict)
    reads: list = field(default_factory=list)
    hits: int = 0
    errors: list = field(default_factory=list)
    slowest: float = 0.0  # seconds, the longest a request took
    dropped: int = 0  # connections that failed or closed under a request
    slow: list = field(default_factory=list)  # (when, seconds) of requests over a second
    sources: list = field(default_factory=list)  # (X-Cache, X-Edge-Cache) of each read

    def connect(self):
        if not self.tls:
            return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        return Loopback(self.port)

    def run(self, stop):
        connection = self.connect()
        while not stop.is_set():
            began = time.monotonic()
            try:
                connection.request("GET", self.path, headers={"Host": SERVER_NAME, **self.headers})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):  # a kept-alive connection closed
                self.dropped += 1
                connection.close()
                connection = self.connect()
                continue
            finally:
                took = time.monotonic() - began
                self.slowest = max(self.slowest, took)
                if took > 1:
                    self.slow.append((time.strftime("%H:%M:%S"), round(took, 2)))
            if response.status != 200:
                self.errors.append((response.status, body[:300]))
                continue
            title = json.loads(body)["data"]["heroes"][0]["title"]
            number = int(title.split()[-1]) if title.startswith("Fresh ") else -1
            self.reads.append((began, number))
            self.sources.append(
                (response.headers.get("X-Cache"), response.headers.get("X-Edge-Cache"))
            )
            cache = response.headers.get("X-Edge-Cache") or response.headers.get("X-Varnish-Cache")
            self.hits += cache == "HIT"


@dataclass
class Timer:
    """Reads one URL straight from an app server in a loop (pausing `pause` seconds between
    requests), noting when each request began, how long it took and its status."""

    port: int
    path: str
    pause: float = 0.0
    requests: list = field(default_factory=list)  # (began, seconds, status)

    def run(self, stop):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": SERVER_NAME, "X-Forwarded-Proto": "https"}  # as nginx says
        while not stop.is_set():
            began = time.monotonic()
            try:
                connection.request("GET", self.path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                status = None
            self.requests.append((began, time.monotonic() - began, status))
            if self.pause:
                stop.wait(self.pause)

    def between(self, start, end):
        return [request for request in self.requests if start <= request[0] < end]
