#!/usr/bin/env python3
"""Benchmark how long a publish takes with no webhook endpoint and with ten (one of them a
black hole that accepts connections and never answers), side by side in one run, with the
worker running and sending, against the PostgreSQL and Redis in DATABASE_URL / REDIS_URL.

    make bench                                          # with the website-data benchmark
    scripts/with-services .venv/bin/python scripts/bench_publish.py --publishes 5 --rounds 1

A publish writes its receipt and one task, whatever the number of endpoints; the worker sends
the deliveries. Rounds alternate between 0 and 10 endpoints (these machines are noisy: the ratio
is of medians measured side by side). Prints the figures and a last line `FIGURES {json}`.
"""

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench_website_data import PYTHON, environment, manage
from scripts.loopback import ROOT, start_worker

# A process of the app's own that publishes a hero title per line read, and prints how long
# each publish took (the call the admin makes, commit and propagation included).
PUBLISHER = """
import sys, time
import django
django.setup()
from cms.webhooks.models import WebhookEndpoint
from sitecontent.models import Hero
for line in sys.stdin:
    command, argument = line.split()
    if command == "endpoints":
        WebhookEndpoint.objects.all().delete()
        for n, url in enumerate(argument.split(",") if argument != "-" else []):
            WebhookEndpoint.objects.create(name=f"frontend {n}", url=url)
        print("ok", flush=True)
        continue
    hero = Hero.objects.filter(locale__language_code="ar", live=True).order_by("sort_order")[0]
    hero.title = f"Bench {argument}"
    started = time.perf_counter()
    hero.save_revision().publish()
    print("took", (time.perf_counter() - started) * 1000, flush=True)
"""


class Answer204(BaseHTTPRequestHandler):
    received = 0  # deliveries, to show the worker was sending while publishes were timed

    def do_POST(self):
        Answer204.received += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publishes", type=int, default=20, help="per round and setting")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    # No coalescing window: the worker sends while the publishes are timed (the worst case).
    env = {**environment(), "CMS_WEBHOOK_ALLOW_PRIVATE": "true", "CMS_WEBHOOK_COALESCE_MS": "0"}
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_demo")

    frontend = ThreadingHTTPServer(("127.0.0.1", 0), Answer204)
    threading.Thread(target=frontend.serve_forever, daemon=True).start()
    black_hole = socket.socket()
    black_hole.bind(("127.0.0.1", 0))
    black_hole.listen(64)  # accepts, never answers
    urls = [f"http://127.0.0.1:{frontend.server_port}/hook/{n}" for n in range(9)]
    urls.append(f"http://127.0.0.1:{black_hole.getsockname()[1]}/hook")

    worker = start_worker(env)
    publisher = subprocess.Popen(  # noqa: S603
        [PYTHON, "-c", PUBLISHER],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def tell(line):
        publisher.stdin.write(line + "\n")
        publisher.stdin.flush()
        for answer in publisher.stdout:
            if answer.startswith(("ok", "took")):
                return answer.split()

    timings = {0: [], 10: []}
    count = 0
    try:
        for _ in range(args.rounds):
            for endpoints in (0, 10):
                tell(f"endpoints {','.join(urls[:endpoints]) or '-'}")
                tell(f"publish {count}")  # not timed: the first after a change of setting
                for _ in range(args.publishes):
                    count += 1
                    timings[endpoints].append(float(tell(f"publish {count}")[1]))
    finally:
        publisher.stdin.close()
        publisher.wait(30)
        worker.terminate()
        worker.wait(30)
        frontend.shutdown()
        black_hole.close()

    figures = {
        str(n): {
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(statistics.quantiles(times, n=10)[-1], 1) if len(times) > 1 else None,
            "publishes": len(times),
        }
        for n, times in timings.items()
    }
    ratio = figures["10"]["median_ms"] / figures["0"]["median_ms"]
    print(f"{'endpoints':>10} {'median':>9} {'p90':>9}")
    for n, row in figures.items():
        print(f"{n:>10} {row['median_ms']:>7} ms {row['p90_ms']!s:>6} ms")
    print(f"publish with 10 endpoints (one black-holed) / with none: {ratio:.2f}x")
    print(f"deliveries the worker made meanwhile: {Answer204.received}")
    print(
        "FIGURES "
        + json.dumps(
            {
                "publish": figures,
                "ratio_10_to_0": round(ratio, 2),
                "deliveries": Answer204.received,
            }
        )
    )


if __name__ == "__main__":
    main()
