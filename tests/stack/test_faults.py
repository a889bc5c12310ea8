"""The fault drill (scripts/fault_drill.py), short: two gunicorn app servers under load on a
PostgreSQL and a Redis of their own, which are frozen (SIGSTOP), killed and stopped for real."""

import json
import os
import subprocess
import sys

from tests.stack.conftest import ROOT


def test_the_fault_drill_finds_no_wall_of_errors_and_no_stale_read():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    drill = subprocess.run(
        [
            "scripts/with-services",
            sys.executable,
            "scripts/fault_drill.py",
            "--seconds",
            "4",
            "--postgres-seconds",
            "6",
            "--connections",
            "16",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next((line for line in drill.stdout.splitlines() if line.startswith("FIGURES ")), None)
    assert line, drill.stdout[-3000:] + drill.stderr[-3000:]
    figures = json.loads(line.removeprefix("FIGURES "))
    print(json.dumps(figures, indent=1))

    for outage in ("redis frozen", "redis killed"):
        assert figures[outage]["slower_than_2s"] == 0, figures[outage]
        assert set(figures[outage]["statuses"]) == {"200"}, figures[outage]
    assert figures["redis killed"]["p99_ms"] <= 1000
    for fault in ("freeze", "kill"):
        publish = figures[f"publish during a {fault}"]
        assert publish["served_by_both_after_s"] is not None, publish
        assert publish["served_by_both_after_s"] <= 10, publish
        assert publish["stale_reads_10s_later"] == 0 and publish["reads_10s_later"] > 0
    down = figures["postgres down, cold cache"]
    assert set(down["statuses"]) <= {"200", "503"}, down
    assert down["x_cache"].get("STALE", 0) == down["statuses"].get("200", 0)
