"""`make run`, as a newcomer types it on a fresh machine: the CMS and its worker on the port they
asked for, demo content in both locales, images that show, and a terminal that stays readable.

It runs the Makefile's own target (migrate, seed, superuser, worker, runserver) with the
defaults a fresh checkout has (SQLite, local-memory cache), only pointed at a temporary folder."""

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from scripts.loopback import ROOT, free_port

STARTUP_SECONDS = 240  # migrate, seed and prepare the demo images, on a 2-core machine
# What a line of the terminal is, in the text format of config/settings/dev.py, and the lines
# that are not the worker's: runserver's own (one per request) and the targets' commands.
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ (?P<level>[A-Z]+) \[[^]]*\] (?P<logger>[\w.]+):")


class Terminal:
    """What `make run` prints, line by line, as it prints it."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._reader.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))

    def worker_lines_since(self, start: int) -> list[str]:
        """The log lines printed since line `start`, less runserver's request lines."""
        return [
            line
            for line in self.lines[start:]
            if (match := LOG_LINE.match(line)) and match["logger"] != "django.server"
        ]


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CMS_", "WAGTAIL"))
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CMS_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_SUPERUSER_PASSWORD": "make-run-test",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its worker and runserver's reloader die with it
    )
    terminal = Terminal(process)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            urllib.request.urlopen(f"{base}/ar/", timeout=5).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                pytest.fail("make run did not serve /ar/:\n" + "\n".join(terminal.lines[-40:]))
            time.sleep(1)
    yield base, folder, env, terminal
    stop(process)


def stop(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # make (and all it started) may have ended
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def image_urls(html: str) -> list[str]:
    """Every image URL of a page: each <img src> and each candidate of each srcset."""
    urls = re.findall(r'<img[^>]*\ssrc="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        urls += [candidate.split()[0] for candidate in srcset.split(",")]
    return [url.replace("&amp;", "&") for url in urls if not url.startswith("data:")]


def test_every_image_of_the_arabic_home_page_is_served_on_the_port_make_run_was_given(make_run):
    base, *_ = make_run
    html = urllib.request.urlopen(f"{base}/ar/", timeout=10).read().decode()
    urls = image_urls(html)
    assert urls, "the demo content shows images"
    assert [url for url in urls if not url.startswith(f"{base}/")] == []
    for url in set(urls):
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("image/")


def test_a_publish_prints_at_most_a_line_for_each_batch_of_the_workers_tasks(make_run):
    _, folder, env, terminal = make_run
    start = len(terminal.lines)
    publish = (
        "from sitecontent.models import Hero;"
        "hero = Hero.objects.filter(locale__language_code='en').first();"
        "hero.title += '!'; hero.save_revision().publish()"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", publish], cwd=ROOT, env=env, check=True
    )
    database = sqlite3.connect(folder / "db.sqlite3")
    unfinished = (
        "SELECT count(*) FROM django_tasks_database_dbtaskresult"
        " WHERE status IN ('READY', 'RUNNING')"
    )
    deadline = time.monotonic() + 60
    while database.execute(unfinished).fetchone()[0]:
        assert time.monotonic() < deadline, "the worker did not run the publish's tasks"
        time.sleep(0.5)
    time.sleep(2 * 5.0)  # two of the worker's own upkeep rounds (CMS_WORKER_UPKEEP_SECONDS)
    printed = terminal.worker_lines_since(start)
    assert len(printed) <= 1, "\n".join(printed)
