"""gunicorn settings for production (`gunicorn config.wsgi -c config/gunicorn.conf.py`).

Each value can be overridden with a GUNICORN_* environment variable.
"""

import multiprocessing
import os


def _env_int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# The usual 2 x cores + 1: the API is I/O-bound (Redis, PostgreSQL).
workers = _env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _env_int("GUNICORN_THREADS", 1)
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then (memory growth), not all at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Load Django once in the master: faster starts, about half the memory per worker.
preload_app = True
# In containers /tmp may be a slow overlay; heartbeats go to shared memory when it exists.
# (Only gunicorn's heartbeat files go there, never data: nosec.)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  # nosec B108
# Only nginx reaches gunicorn (inside the compose network), so its forwarded headers count.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
control_socket_disable = True  # no runtime control socket in a container's home directory

accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time":"%(t)s","remote":"%({x-real-ip}i)s","request":"%(r)s","status":%(s)s,'
    '"bytes":%(B)s,"duration_ms":%(M)s,"request_id":"%({x-request-id}i)s"}'
)


def post_worker_init(worker):
    """Apply cache purges kept while Redis was unreachable (e.g. across a restart)."""
    from cms.delivery.cache import payload_cache

    try:
        payload_cache.reconcile()
    except Exception:  # the database may not be up yet; the next request retries
        worker.log.warning("Could not apply pending cache purges at start-up", exc_info=True)
