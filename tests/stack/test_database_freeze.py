"""A frozen PostgreSQL stalls neither the cached website data nor the requests that need it.

Every process of the stack's PostgreSQL is stopped (SIGSTOP: the host and its kernel still
answer, PostgreSQL does not) while readers read the website data, warm in the cache, straight
from both app servers, and others read API v2 and /health/, which need the database. The
website data keeps being answered from the cache at the rate of before; the others get their
503 within seconds (cms/core/query_deadline.py); everything answers 200 again soon after the thaw.
"""

import json
import threading
import time

import pytest

from scripts.loopback import Postgres
from tests.stack.clients import Timer

BEFORE, FROZEN, AFTER = 5.0, 12.0, 12.0  # seconds (make drill freezes it for 30)
DATABASE_ANSWER = 5.0  # seconds within which a request that needs the database is answered
# A sync worker answers one request at a time: a cached read can queue behind a request that
# waits for the database, until the worker's heartbeat misses (cms.core.query_deadline: at most
# half a second to the next beat, then HEARTBEAT_SECONDS), not for the request's deadline.
SLOWEST_CACHED = 2.0
BACK_WITHIN = 10.0  # seconds after the thaw from which every request is a 200 again


@pytest.fixture(scope="module")
def freeze(stack):
    """Readers through a freeze: (cached readers, database readers, frozen at, thawed at)."""
    postgres = Postgres(stack.database_url)
    cached = [
        Timer(port, f"/api/website-data/?locale={code}")
        for port in stack.app_ports
        for code in ("en", "ar")
        for _ in range(6)
    ]
    database = [
        Timer(port, path, pause=0.1)
        for port in stack.app_ports
        for path in ("/api/v2/pages/?locale=en", "/health/")
    ]
    stop = threading.Event()
    threads = [threading.Thread(target=timer.run, args=(stop,)) for timer in cached + database]
    for thread in threads:
        thread.start()
    try:
        time.sleep(BEFORE)
        postgres.freeze()
        frozen_at = time.monotonic()
        try:
            time.sleep(FROZEN)
        finally:
            postgres.thaw()
        thawed_at = time.monotonic()
        time.sleep(AFTER)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    return cached, database, frozen_at, thawed_at


def rate(timers, start, end):
    return sum(len(timer.between(start, end)) for timer in timers) / (end - start)


def figures(freeze):
    cached, database, frozen_at, thawed_at = freeze
    during = [request for timer in cached for request in timer.between(frozen_at, thawed_at)]
    needing = [request for timer in database for request in timer.between(frozen_at, thawed_at)]
    result = {
        "website_data_rps_before": round(rate(cached, frozen_at - BEFORE + 1, frozen_at)),
        "website_data_rps_frozen": round(rate(cached, frozen_at, thawed_at)),
        "website_data_slowest_frozen_s": round(max(took for _, took, _ in during), 3),
        "website_data_not_200_frozen": sum(status != 200 for *_, status in during),
        "database_requests_frozen": len(needing),
        "database_slowest_frozen_s": round(max(took for _, took, _ in needing), 3),
        "database_statuses_frozen": sorted({str(status) for *_, status in needing}),
    }
    print(json.dumps(result))
    return result


def test_the_cached_website_data_is_served_at_its_rate_while_the_database_is_frozen(freeze):
    result = figures(freeze)
    assert result["website_data_not_200_frozen"] == 0, result
    assert result["website_data_slowest_frozen_s"] < SLOWEST_CACHED, result
    assert result["website_data_rps_frozen"] >= 0.5 * result["website_data_rps_before"], result


def test_requests_that_need_the_frozen_database_get_a_503_within_seconds(freeze):
    _, database, frozen_at, thawed_at = freeze
    result = figures(freeze)
    # Those that began once the freeze was on, and early enough to have been answered by its end.
    needing = [
        request
        for timer in database
        for request in timer.between(frozen_at, thawed_at - DATABASE_ANSWER)
    ]
    assert len(needing) >= len(database), result
    assert {status for *_, status in needing} == {503}, result
    assert max(took for _, took, _ in needing) < DATABASE_ANSWER, result


def test_every_request_answers_200_again_soon_after_the_thaw(freeze):
    cached, database, _, thawed_at = freeze
    for timer in cached + database:
        after = timer.between(thawed_at + BACK_WITHIN, float("inf"))
        assert after, timer.path
        assert {status for *_, status in after} == {200}, (timer.path, after[:5])
