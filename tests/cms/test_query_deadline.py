"""In an app server no wait for PostgreSQL outlasts its deadline: a statement that runs too
long is cancelled by the server, a database that does not answer at all (every process of the
test cluster stopped) is given up on by the client, and then not waited for again until it
answers one request let through alone (cms/core/query_deadline.py)."""

import os
import threading
import time

import psycopg2
import psycopg2.extensions
import pytest
from django.db import connections

from cms.core import query_deadline
from scripts.loopback import Postgres, free_port

DEADLINE = 0.5


@pytest.fixture
def bounded(monkeypatch):
    """The wait callback installed with a short deadline; a connection of the test's own."""
    monkeypatch.setattr(query_deadline, "_deadline_seconds", DEADLINE)
    monkeypatch.setattr(query_deadline, "breaker", query_deadline.Breaker())
    psycopg2.extensions.set_wait_callback(query_deadline.wait)
    url = os.environ["DATABASE_URL"]
    connection = psycopg2.connect(url)
    connection.autocommit = True
    yield connection, Postgres(url)
    psycopg2.extensions.set_wait_callback(None)
    connection.close()


def took(action):
    began = time.monotonic()
    try:
        action()
    except psycopg2.OperationalError:
        return time.monotonic() - began
    raise AssertionError("the query was answered")


def query(connection, sql="SELECT 1"):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def test_a_frozen_database_costs_a_query_its_deadline_and_the_next_ones_nothing(bounded):
    connection, postgres = bounded
    postgres.freeze()
    try:
        first = took(lambda: query(connection))
        retried = took(lambda: psycopg2.connect(os.environ["DATABASE_URL"]))
    finally:
        postgres.thaw()
    assert DEADLINE <= first < DEADLINE + 1
    assert connection.closed  # Django opens a new one for the next request
    assert retried < 0.2  # the breaker is open: no second wait


def test_once_the_database_answers_again_one_query_closes_the_breaker(bounded):
    connection, postgres = bounded
    postgres.freeze()
    try:
        took(lambda: query(connection))
    finally:
        postgres.thaw()
    time.sleep(query_deadline.PAUSE_SECONDS)
    fresh = psycopg2.connect(os.environ["DATABASE_URL"])
    assert query(fresh) == (1,)
    assert query_deadline.breaker.admits()
    fresh.close()


def test_a_trial_that_finds_the_database_refusing_connections_lets_a_later_one_try(
    bounded, monkeypatch
):
    """PostgreSQL restarted rather than thawed: the first trial's connection is refused. The
    breaker must not wait for that trial for ever: after its pause, another one tries."""
    monkeypatch.setattr(query_deadline, "PAUSE_SECONDS", 0.05)
    monkeypatch.setattr(query_deadline, "breaker", query_deadline.Breaker())
    query_deadline.breaker.timed_out()  # a deadline passed a moment ago
    time.sleep(0.06)
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(f"postgresql://postgres@127.0.0.1:{free_port()}/x")  # the trial
    time.sleep(0.15)  # the pause, doubled
    fresh = psycopg2.connect(os.environ["DATABASE_URL"])  # the next trial
    assert query(fresh) == (1,)
    assert query_deadline.breaker.admits()  # closed again
    fresh.close()


def test_a_connection_to_a_frozen_database_is_given_up_within_the_deadline(bounded):
    _, postgres = bounded
    postgres.freeze()
    try:
        waited = took(lambda: psycopg2.connect(os.environ["DATABASE_URL"]))
    finally:
        postgres.thaw()
    assert DEADLINE <= waited < DEADLINE + 1


def test_the_server_cancels_a_statement_that_runs_longer_than_the_timeout(monkeypatch):
    database = connections.settings["default"]  # the tests' settings are PostgreSQL's
    monkeypatch.setitem(database, "OPTIONS", dict(database.get("OPTIONS", {})))
    monkeypatch.setattr(query_deadline, "_deadline_seconds", 0.0)
    try:
        query_deadline.install(0.2)
        options = database["OPTIONS"]["options"]
        connection = psycopg2.connect(os.environ["DATABASE_URL"], options=options)
        with pytest.raises(psycopg2.errors.QueryCanceled):
            query(connection, "SELECT pg_sleep(2)")
        connection.rollback()
        assert query(connection) == (1,)  # still usable: the server ended it cleanly
        connection.close()
    finally:
        psycopg2.extensions.set_wait_callback(None)
    assert options == "-c statement_timeout=200"


@pytest.fixture
def heartbeat(bounded, monkeypatch):
    """`bounded`, with a heartbeat shorter than the deadline, and requests' deadline long."""
    monkeypatch.setattr(query_deadline, "_deadline_seconds", 10.0)
    monkeypatch.setattr(query_deadline, "HEARTBEAT_SECONDS", DEADLINE)
    return bounded


def beat(connection):
    with query_deadline.heartbeat():
        return query(connection)


def test_a_silent_heartbeat_ends_every_wait_in_progress_long_before_its_deadline(heartbeat):
    """A sync worker's request waiting for a frozen database is let go when the heartbeat
    misses, not at its own deadline: the cached reads queued behind it wait that long only."""
    connection, postgres = heartbeat
    request = psycopg2.connect(os.environ["DATABASE_URL"])
    request.autocommit = True
    waited = []
    postgres.freeze()
    try:
        waiting = threading.Thread(target=lambda: waited.append(took(lambda: query(request))))
        waiting.start()
        time.sleep(0.1)  # the request waits already when the heartbeat beats
        missed = took(lambda: beat(connection))
        waiting.join(5)
    finally:
        postgres.thaw()
    assert DEADLINE <= missed < DEADLINE + 0.5
    assert waited and waited[0] < 0.1 + DEADLINE + 0.5  # not the request's 10 s deadline


def test_while_the_heartbeat_beats_no_request_tries_the_database_and_its_answer_closes(
    heartbeat, monkeypatch
):
    monkeypatch.setattr(query_deadline, "PAUSE_SECONDS", 0.05)
    monkeypatch.setattr(query_deadline, "breaker", query_deadline.Breaker())
    connection, postgres = heartbeat
    postgres.freeze()
    try:
        took(lambda: beat(connection))  # the heartbeat misses: the breaker opens
        time.sleep(0.2)  # its pause is over; a request would be the trial without a heartbeat
        refused = took(lambda: psycopg2.connect(os.environ["DATABASE_URL"]))
    finally:
        postgres.thaw()
    assert refused < 0.2  # failed at once: the request did not wait to try
    assert not query_deadline.breaker.admits()
    with query_deadline.heartbeat():  # the heartbeat finds the database back
        fresh = psycopg2.connect(os.environ["DATABASE_URL"])
        assert query(fresh) == (1,)
    assert query_deadline.breaker.admits()
    fresh.close()
