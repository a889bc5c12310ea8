#!/usr/bin/env python3
"""Benchmark GET /api/website-data/ at each layer, side by side in one run, against the
PostgreSQL and Redis in DATABASE_URL / REDIS_URL.

- Through nginx from the production template, over TLS (as deployed): the payload from nginx's
  cache beside the same bytes served by the same nginx as a static file, and the 304 on ETag.
- Straight to gunicorn (what an nginx miss costs): a cache hit beside a bare Django view.
- The wake-up: how soon readers waiting for a rebuild get it once it is done.
- The TypeScript client (clients/typescript, built): its conditional fetch through nginx, 200
  and 304, per request beside Node.js's bare fetch() and beside curl, each fetching the same
  URL on one kept-alive connection.

    make bench                                         # throwaway PostgreSQL and Redis
    make bench BENCH_ARGS="--seconds 1 --rounds 1"     # the smoke run the tests do

Every target is measured in each of --rounds interleaved rounds (these machines are noisy:
ratios are of medians measured side by side). Prints a table, the ratios, and a last line
`FIGURES {json}`. Needs wrk (scripts/install-system-deps installs it).
"""

import argparse
import json
import os
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.loopback import (
    ROOT,
    configure,
    free_port,
    self_signed_certificate,
    start_gunicorn,
    wait_for_port,
)

PYTHON = sys.executable
SERVER_NAME = "localhost"  # resolves to loopback for wrk, which takes no --resolve
API = "/api/website-data/?locale=ar"
STATIC = "/static/bench/website-data-ar.json"

WAKE_UP = """
import json, threading, time
from cms.cache.engine import payload_cache
from cms.delivery.keys import keys_for
from cms.delivery.payload import get_website_data
from cms.delivery.sections import SECTIONS
rounds = []
for _ in range(5):
    payload_cache.purge(keys_for(["ar"], SECTIONS))
    done, barrier = {}, threading.Barrier(READERS)
    def read(n):
        barrier.wait()
        payload = get_website_data("ar")
        done[n] = (time.perf_counter(), payload.source)
    threads = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    built = min(at for at, source in done.values() if source == "MISS")
    rounds.append(max(at for at, _ in done.values()) - built)
print("WAKEUP", json.dumps({"readers": READERS, "last_reader_after_build_ms":
    round(statistics.median(rounds) * 1000, 1)}))
"""


def environment(nginx_purge_url=""):
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} is not set: run through scripts/with-services (make bench).")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": "https://localhost",
        "CMS_SSL_REDIRECT": "false",  # the bare gunicorn runs are plain HTTP
        "CMS_LOG_LEVEL": "WARNING",
        **({"CMS_NGINX_PURGE_URLS": nginx_purge_url} if nginx_purge_url else {}),
    }


def manage(env, *args, capture=False):
    return subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url, seconds, connections, headers=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: .*", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
    }


def fetch(url, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
        return response.headers, response.read()


def client_beside_curl(url, certificate, requests, etag):
    """Median milliseconds per request of the TypeScript client, of Node.js's bare fetch() and
    of curl, 200 and 304."""
    base, _, query = url.partition("/api/website-data/?")
    locale = query.removeprefix("locale=")
    node_env = {
        **os.environ,
        "NODE_EXTRA_CA_CERTS": str(certificate),
        "NODE_OPTIONS": "--dns-result-order=ipv4first",  # nginx listens on 127.0.0.1
    }
    medians = {}
    for path, extra in (("200", []), ("304", ["--header", f"If-None-Match: {etag}"])):
        client = subprocess.run(  # noqa: S603
            ["node", "scripts/bench_client.mjs", base, locale, str(requests), path],  # noqa: S607
            cwd=ROOT,
            env=node_env,
            capture_output=True,
            text=True,
            check=True,
        )
        transfers = ["--output", "/dev/null", url] * (requests + 1)
        curl = subprocess.run(  # noqa: S603
            [
                *("curl", "--silent", "--ipv4", "--compressed", "--cacert", str(certificate)),
                *("--write-out", "%{http_code} %{time_total}\n", *extra, *transfers),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        answers = [line.split() for line in curl.stdout.splitlines()][1:]  # after the handshake
        if {code for code, _ in answers} != {path}:
            sys.exit(f"curl expected {path}s, got {sorted({code for code, _ in answers})}")
        timings = json.loads(client.stdout)
        medians[f"client_{path}_ms"] = statistics.median(timings["client"])
        medians[f"fetch_{path}_ms"] = statistics.median(timings["fetch"])
        medians[f"curl_{path}_ms"] = statistics.median(float(t) * 1000 for _, t in answers)
    return medians


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--readers", type=int, default=8, help="readers for the wake-up")
    parser.add_argument(
        "--client-requests", type=int, default=500, help="per round, for the TypeScript client"
    )
    parser.add_argument(
        "--app-connections",
        type=int,
        default=4,
        help="connections straight to gunicorn (default 4: its sync workers take one at a "
        "time, and a deeper queue only measures the queue)",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cms-bench-"))
    workdir.chmod(0o755)
    (workdir / "static" / "bench").mkdir(parents=True)
    (workdir / "media").mkdir()
    app_port = free_port()
    certificate, key = self_signed_certificate(workdir, SERVER_NAME)
    nginx = configure(
        workdir / "nginx",
        server_name=SERVER_NAME,
        app_port=app_port,
        site_root=workdir,
        certificate=certificate,
        key=key,
        # One client address makes all the load here: measure the cache, not the rate limit.
        NGINX_WEBSITE_DATA_RATE="10000000r/s",
        NGINX_API_BURST="1000000",
    )
    env = environment(nginx.purge_url)
    manage(env, "migrate", "--no-input", "-v0")
    # nginx is up before the demo is seeded, as in a deployment: the seed's purges reach it then,
    # instead of being kept and applied by a worker's reconciler while the benchmark warms nginx.
    nginx.start()
    server = None
    try:
        manage(env, "seed_demo")
        server = start_gunicorn(env, app_port, workers=args.workers)
        wait_for_port(app_port, server)
        direct = f"http://127.0.0.1:{app_port}"
        edge = f"https://{SERVER_NAME}:{nginx.https_port}"
        fetch(edge + API)
        headers, body = fetch(edge + API)
        if headers["X-Edge-Cache"] != "HIT":
            sys.exit(f"nginx did not keep the payload: X-Edge-Cache {headers['X-Edge-Cache']}")
        (workdir / "static" / "bench" / "website-data-ar.json").write_bytes(body)
        etag = {"If-None-Match": headers["ETag"]}

        targets = [
            ("gunicorn: bare Django view", direct + "/health/live/", args.app_connections, None),
            ("gunicorn: website data, cache hit", direct + API, args.app_connections, None),
            ("gunicorn: website data, 304", direct + API, args.app_connections, etag),
            ("nginx TLS: static file, same bytes", edge + STATIC, 64, None),
            ("nginx TLS: website data, cached", edge + API, 64, None),
            ("nginx TLS: website data, 304", edge + API, 64, etag),
        ]
        runs = {label: [] for label, *_ in targets}
        for _ in range(args.rounds):
            for label, url, connections, extra in targets:
                runs[label].append(wrk(url, args.seconds, connections, extra))
        clients = [
            client_beside_curl(edge + API, certificate, args.client_requests, headers["ETag"])
            for _ in range(args.rounds)
        ]
        wake_up = manage(
            env,
            "shell",
            "-c",
            f"import statistics\nREADERS = {args.readers}\n{WAKE_UP}",
            capture=True,
        ).stdout
    finally:
        nginx.stop()
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)

    figures = {}
    print(
        f"\n{'target':<38} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f"   (wrk, median of {args.rounds} round(s) of {args.seconds} s; "
        f"payload {len(body)} bytes; gunicorn x{args.workers})"
    )
    for label, *_ in targets:
        median = {
            name: statistics.median(run[name] for run in runs[label])
            for name in ("rps", "p50_ms", "p99_ms")
        }
        median["errors"] = sum(run["errors"] for run in runs[label])
        figures[label] = median
        print(
            f"{label:<38} {median['rps']:>9.0f} {median['p50_ms']:>8.2f} "
            f"{median['p99_ms']:>8.2f} {median['errors']:>7}"
        )

    def ratio(a, b):
        return round(figures[a]["rps"] / figures[b]["rps"], 2)

    wake = json.loads(wake_up.split("WAKEUP ", 1)[1])
    summary = {
        "nginx_cached_vs_static": ratio(
            "nginx TLS: website data, cached", "nginx TLS: static file, same bytes"
        ),
        "nginx_304_vs_cached": ratio(
            "nginx TLS: website data, 304", "nginx TLS: website data, cached"
        ),
        "nginx_cached_p99_ms": figures["nginx TLS: website data, cached"]["p99_ms"],
        "gunicorn_hit_vs_bare_view": ratio(
            "gunicorn: website data, cache hit", "gunicorn: bare Django view"
        ),
        "wake_up": wake,
        "errors": sum(figure["errors"] for figure in figures.values()),
    }
    client = {
        name: round(statistics.median(run[name] for run in clients), 3) for name in clients[0]
    }
    for path in ("200", "304"):
        for baseline in ("fetch", "curl"):
            client[f"client_vs_{baseline}_{path}"] = round(
                client[f"client_{path}_ms"] / client[f"{baseline}_{path}_ms"], 2
            )
    summary["typescript_client"] = client
    cached = summary["nginx_cached_vs_static"]
    p99 = summary["nginx_cached_p99_ms"]
    print(f"\nThrough nginx (TLS): the cached website data answers {cached}x the static file's")
    print(f"requests/s, p99 {p99:.2f} ms at 64 connections; its 304 answers ", end="")
    print(f"{summary['nginx_304_vs_cached']}x the 200's.")
    hit = summary["gunicorn_hit_vs_bare_view"]
    print(f"Straight to gunicorn: a cache hit answers {hit}x the bare Django view's requests/s.")
    print(f"Wake-up: {wake['readers']} readers waiting for a rebuild all have it ", end="")
    print(f"{wake['last_reader_after_build_ms']} ms after it is built (median of 5).")
    print(
        f"TypeScript client through nginx, ms per request (median of {args.client_requests} "
        f"in each of {args.rounds} round(s)):"
    )
    for path in ("200", "304"):
        print(
            f"  {path}: client {client[f'client_{path}_ms']:.3f}, Node's bare fetch "
            f"{client[f'fetch_{path}_ms']:.3f}, curl {client[f'curl_{path}_ms']:.3f}: the "
            f"client {client[f'client_vs_fetch_{path}']}x the bare fetch, "
            f"{client[f'client_vs_curl_{path}']}x curl"
        )
    print("FIGURES " + json.dumps({"targets": figures, **summary}))


if __name__ == "__main__":
    main()
