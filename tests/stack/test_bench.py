"""`make bench`, short, on every run of the tests: so the benchmark never breaks silently. The
figures themselves are read by people (README, Performance), not asserted: these machines are
too noisy for timed assertions."""

import json
import os
import subprocess
import sys

from tests.stack.conftest import ROOT


def test_the_benchmark_runs_every_target_through_nginx_and_gunicorn_without_an_error():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    bench = subprocess.run(
        [
            "scripts/with-services",
            sys.executable,
            "scripts/bench_website_data.py",
            "--seconds",
            "1",
            "--rounds",
            "1",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next((line for line in bench.stdout.splitlines() if line.startswith("FIGURES ")), None)
    assert line, bench.stdout[-3000:] + bench.stderr[-3000:]
    figures = json.loads(line.removeprefix("FIGURES "))
    print(json.dumps(figures, indent=1))
    assert len(figures["targets"]) == 6
    assert all(target["rps"] > 0 for target in figures["targets"].values())
    assert figures["errors"] == 0
    assert figures["wake_up"]["readers"] == 8
