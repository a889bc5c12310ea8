#!/usr/bin/env python3
"""Fault drill: two gunicorn app servers sharing PostgreSQL and Redis, under load, while the
real Redis and PostgreSQL processes are frozen (SIGSTOP) or killed; prints what the readers saw.

    make drill                                   # starts throwaway PostgreSQL and Redis itself
    scripts/with-services .venv/bin/python scripts/fault_drill.py --seconds 30

Scenarios (each bounded in time, loopback only):
1. Redis frozen for --seconds under --connections readers: requests slower than 2 s, p99,
   requests/s against the same load before the freeze.
2. Redis killed for --seconds: p99 and requests/s.
3. A publish while Redis is frozen, then while it is killed, made through a third process:
   seconds after Redis is back until both app servers serve it, and stale reads after that.
4. PostgreSQL frozen (every process stopped) for --seconds with a warm cache: the website
   data's requests/s against before, and API v2 beside it (503 within seconds, not stuck).
5. PostgreSQL down (stopped) for --postgres-seconds with a cold cache: every status answered.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from urllib.parse import urlsplit

from bench_website_data import environment, manage
from loopback import Postgres, free_port, start_gunicorn, wait_for_port

PATH = "/api/website-data/?locale=ar"


def load(ports, seconds, connections, path=PATH):
    """`connections` keep-alive readers spread over the app servers for `seconds`: a list of
    (status, seconds taken, X-Cache, body) per request."""
    deadline = time.monotonic() + seconds

    def reader(index):
        port = ports[index % len(ports)]
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        seen = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                seen.append(
                    (
                        response.status,
                        time.perf_counter() - started,
                        response.headers.get("X-Cache"),
                        body,
                    )
                )
            except OSError:
                seen.append((0, time.perf_counter() - started, None, b""))
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()
        return seen

    with ThreadPoolExecutor(connections) as pool:
        return [request for result in pool.map(reader, range(connections)) for request in result]


def summary(requests, seconds):
    latencies = sorted(took for _, took, _, _ in requests)
    statuses, sources = {}, {}
    for status, _, source, _ in requests:
        statuses[status] = statuses.get(status, 0) + 1
        sources[source] = sources.get(source, 0) + 1
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0
    return {
        "requests": len(requests),
        "rps": round(len(requests) / seconds),
        "p99_ms": round(p99 * 1000, 1),
        "max_ms": round((latencies[-1] if latencies else 0) * 1000, 1),
        "slower_than_2s": sum(took > 2 for took in latencies),
        "statuses": statuses,
        "x_cache": sources,
    }


class Redis:
    def __init__(self, url):
        self.port = urlsplit(url).port
        self.pid = self._pid()
        self.restarted = False

    def _pid(self):
        info = subprocess.run(
            ["redis-cli", "-p", str(self.port), "info", "server"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return int(re.search(r"process_id:(\d+)", info).group(1))

    def freeze(self):
        os.kill(self.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.pid, signal.SIGCONT)

    def kill(self):
        os.kill(self.pid, signal.SIGKILL)

    def stop_restarted(self):
        """The redis-server `start` made is not the one scripts/with-services stops."""
        if self.restarted:
            os.kill(self.pid, signal.SIGTERM)

    def start(self):
        self.restarted = True
        subprocess.run(
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
                "--daemonize",
                "yes",
            ],
            check=True,
        )
        for _ in range(50):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True
                ).returncode
                == 0
            ):
                break
            time.sleep(0.1)
        self.pid = self._pid()


def publish_hero_title(env, title):
    code = (
        "from sitecontent.models import Hero; from wagtail.models import Locale;"
        "hero = Hero.objects.filter(locale=Locale.objects.get(language_code='ar'), live=True)"
        f".order_by('sort_order').first(); hero.title = {title!r};"
        "hero.save_revision().publish()"
    )
    manage(env, "shell", "-c", code)


def publish_during(env, ports, fault, stop, resume):
    """Publish through a third process while Redis is out; how soon both app servers serve
    it once Redis is back, and how many reads still miss it 10 s later."""
    title = f"Published during the {fault} {int(time.time())}"
    stop()
    try:
        publish_hero_title(env, title)
        time.sleep(2)
    finally:
        resume()
    back = time.monotonic()
    waiting = set(ports)
    while waiting and time.monotonic() - back < 30:
        for port in list(waiting):
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}{PATH}").read()
            if title.encode() in body:
                waiting.discard(port)
        time.sleep(0.1)
    live_after = round(time.monotonic() - back, 2)
    time.sleep(max(0, 10 - live_after))
    after = load(ports, 5, 16)
    stale = sum(title.encode() not in body for status, _, _, body in after if status == 200)
    return {
        "served_by_both_after_s": live_after if not waiting else None,
        "reads_10s_later": len(after),
        "stale_reads_10s_later": stale,
    }


def postgres_frozen(ports, seconds, connections, postgres, baseline):
    """Every PostgreSQL process stopped for `seconds`: the website data from the cache, and
    beside it 4 readers of API v2, which needs the database (cms/core/query_deadline.py)."""
    postgres.freeze()
    try:
        with ThreadPoolExecutor(2) as pool:
            cached = pool.submit(load, ports, seconds, connections)
            bound = pool.submit(load, ports, seconds, 4, "/api/v2/pages/?locale=en")
            cached, bound = cached.result(), bound.result()
    finally:
        postgres.thaw()
    frozen = summary(cached, seconds)
    frozen["rps_vs_before"] = round(frozen["rps"] / baseline["rps"], 2)
    frozen["api_v2"] = summary(bound, seconds)
    return frozen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="each outage (default 30)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--postgres-seconds", type=int, default=120, help="(default 120)")
    args = parser.parse_args()

    env = environment()
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_demo")
    ports = [free_port(), free_port()]
    servers = [start_gunicorn(env, port) for port in ports]
    redis, postgres = Redis(env["REDIS_URL"]), Postgres(env["DATABASE_URL"])
    figures = {}
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_for_port(port, server)
        seconds = args.seconds

        baseline = summary(load(ports, min(10, seconds), args.connections), min(10, seconds))
        figures["before"] = baseline
        for name, stop, resume in (
            ("redis frozen", redis.freeze, redis.thaw),
            ("redis killed", redis.kill, redis.start),
        ):
            stop()
            try:
                outage = summary(load(ports, seconds, args.connections), seconds)
            finally:
                resume()
            outage["rps_vs_before"] = round(outage["rps"] / baseline["rps"], 2)
            figures[name] = outage
            time.sleep(3)

        for fault, stop, resume in (
            ("freeze", redis.freeze, redis.thaw),
            ("kill", redis.kill, redis.start),
        ):
            figures[f"publish during a {fault}"] = publish_during(env, ports, fault, stop, resume)
            time.sleep(3)

        figures["postgres frozen, warm cache"] = postgres_frozen(
            ports, seconds, args.connections, postgres, baseline
        )
        time.sleep(3)

        manage(env, "purge_cache")  # a cold cache: only the last payloads built are kept
        postgres.stop()
        try:
            down = summary(
                load(ports, args.postgres_seconds, args.connections), args.postgres_seconds
            )
        finally:
            postgres.start()
        figures["postgres down, cold cache"] = down
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(10)
        redis.stop_restarted()

    for name, values in figures.items():
        print(f"{name:<28} {json.dumps(values)}")
    print("FIGURES " + json.dumps(figures))


if __name__ == "__main__":
    sys.exit(main())
