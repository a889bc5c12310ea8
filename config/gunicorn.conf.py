"""gunicorn settings for production (`gunicorn config.wsgi -c config/gunicorn.conf.py`).

Each value can be overridden with a GUNICORN_* environment variable.
"""

import multiprocessing
import os

import gunicorn.http.wsgi


def _env_int(name, default):
    return int(os.environ.get(name, default))


# Loopback unless told otherwise: compose binds the container's interface (nginx is another
# container); nothing else should reach gunicorn without nginx.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual 2 x cores + 1: the API is I/O-bound (Redis, PostgreSQL).
workers = _env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
# One request at a time per worker (sync workers). A request waiting for a database that does
# not answer holds its worker only until the worker's heartbeat misses, about a second
# (cms/core/query_deadline.py). GUNICORN_THREADS above 1 runs threads instead (gthread); under a
# Redis outage the drill measured a longer tail with them.
threads = _env_int("GUNICORN_THREADS", 1)
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then (memory growth), not all at once: workers share the load
# evenly, so a jitter of a tenth had them all reach their limit within a second of each other.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Load Django once in the master: faster starts, about half the memory per worker.
preload_app = True
# In containers /tmp may be a slow overlay; heartbeats go to shared memory when it exists.
# (Only gunicorn's heartbeat files go there, never data: nosec.)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  # nosec B108
# Forwarded headers (the scheme) count only from our proxies, as X-Real-IP does for Django.
forwarded_allow_ips = os.environ.get(
    "GUNICORN_FORWARDED_ALLOW_IPS", os.environ.get("CMS_TRUSTED_PROXIES", "127.0.0.1,::1")
)
# Allow long request lines (up to gunicorn's maximum): a query string that is too long then
# reaches Django, which refuses it with a 414 in the API's JSON envelope.
limit_request_line = 8190
control_socket_disable = True  # no runtime control socket in a container's home directory

# Responses name no server software (gunicorn sends its name in a Server header otherwise).
gunicorn.http.wsgi.SERVER = "cms"

accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time":"%(t)s","remote":"%({x-real-ip}i)s","request":"%(r)s","status":%(s)s,'
    '"bytes":%(B)s,"duration_ms":%(M)s,"request_id":"%({x-request-id}i)s"}'
)


def when_ready(server):
    """In the master, before it forks the workers: the memory they share
    (cms.cache.generation.SharedNewest)."""
    from cms.cache import generation

    generation.share_between_workers()


def post_worker_init(worker):
    """Bound every wait for the database (cms.core.query_deadline); listen for purges, so this
    worker can answer hits from its own copies (cms.cache.local_copies); read the content
    generation every CMS_PURGE_RECONCILE_SECONDS, so it serves no copy a lost purge left behind
    (cms.cache.generation); and finish what other processes left unfinished, now and as
    often (cms.delivery.reconciler)."""
    from django.conf import settings

    from cms.cache import generation, local_copies
    from cms.core import query_deadline
    from cms.delivery import reconciler

    query_deadline.install(settings.CMS_DB_QUERY_TIMEOUT)
    local_copies.start()
    generation.watch(settings.CMS_PURGE_RECONCILE_SECONDS)
    # In the background from the start: a worker recycled while the database does not answer
    # serves from the cache at once instead of waiting out a deadline first.
    reconciler.start(settings.CMS_PURGE_RECONCILE_SECONDS)


def worker_exit(server, worker):
    """A recycled worker, its last request answered, ends at once. Python's own teardown of a
    worker (the whole heap of Django and Wagtail) took one to three seconds under load, and the
    master starts the replacement only once the old worker is gone: recycled together, a sync
    app server had no worker at all for that long (tests/stack/test_consistency.py saw 3 s
    requests). A worker that never booted exits the usual way, so gunicorn sees its error."""
    if not getattr(worker, "booted", False):
        return
    import logging
    import sys

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
