#!/usr/bin/env python3
"""Benchmark GET /api/website-data/ (cache hit) beside a bare Django view, under gunicorn with
the production settings, against the PostgreSQL and Redis in DATABASE_URL / REDIS_URL.

    make bench                      # starts throwaway PostgreSQL and Redis itself
    scripts/with-services .venv/bin/python scripts/bench_website_data.py --seconds 10

Loads the demo content into that database, starts gunicorn on a free loopback port, then
drives each URL with wrk (Debian's `wrk`; a small Python client when it is missing) and prints
requests per second and latency side by side. Every run is bounded in time and stops itself.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

TARGETS = [
    ("bare Django view (/health/live/)", "/health/live/"),
    ("website data, cache hit (ar)", "/api/website-data/?locale=ar"),
    ("website data, 304 on ETag (ar)", "/api/website-data/?locale=ar"),
    ("website data, two sections (en)", "/api/website-data/?locale=en&sections=menu,footer"),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment():
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} is not set: run through scripts/with-services (make bench).")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "CMS_SSL_REDIRECT": "false",  # plain HTTP on loopback: TLS is nginx's job
        "CMS_LOG_LEVEL": "WARNING",
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def wait_until_up(base):
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/health/live/", timeout=1)  # noqa: S310
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("gunicorn did not start")


def run_wrk(url, seconds, connections, headers):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def run_python_client(url, seconds, connections, headers):
    """A keep-alive client per thread: slower than wrk, but needs nothing installed."""
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    path = "/" + url.split("//", 1)[1].split("/", 1)[1]
    deadline = time.monotonic() + seconds

    def worker(_):
        conn = HTTPConnection(host, int(port), timeout=5)
        latencies, errors = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
            errors += response.status >= 400
        conn.close()
        return latencies, errors

    with ThreadPoolExecutor(connections) as pool:
        results = list(pool.map(worker, range(connections)))
    latencies = sorted(latency for result, _ in results for latency in result)
    errors = sum(count for _, count in results)
    ms = lambda q: f"{latencies[int(q * (len(latencies) - 1))] * 1000:.2f}ms"  # noqa: E731
    return len(latencies) / seconds, ms(0.5), ms(0.99), errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per URL (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = parser.parse_args()

    env = environment()
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_demo")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--preload",
            "--no-control-socket",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(base)
        with urllib.request.urlopen(f"{base}/api/website-data/?locale=ar") as first:  # noqa: S310
            etag = first.headers["ETag"]
            size = len(first.read())
        load = run_wrk if shutil.which("wrk") else run_python_client
        print(
            f"\n{'URL':<36} {'req/s':>9} {'p50':>9} {'p99':>9} {'errors':>7}"
            f"   ({load.__name__.removeprefix('run_')}, {args.connections} connections, "
            f"{args.seconds} s each, gunicorn x{args.workers}, payload {size} bytes)"
        )
        results = {}
        for label, path in TARGETS:
            headers = {"If-None-Match": etag} if "304" in label else {}
            rps, p50, p99, errors = load(base + path, args.seconds, args.connections, headers)
            results[label] = rps
            print(f"{label:<36} {rps:>9.0f} {p50:>9} {p99:>9} {errors:>7}")
        bare = results[TARGETS[0][0]]
        hit = results[TARGETS[1][0]]
        print(f"\nwebsite data (hit) serves {hit / bare:.0%} of the bare view's requests/s.")
        print(json.dumps({"bare_rps": round(bare), "website_data_hit_rps": round(hit)}))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
