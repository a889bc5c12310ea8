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


def post_worker_init(worker):
    """Apply cache purges kept while Redis was unreachable (e.g. across a restart), and keep
    looking for them every few seconds (cms.delivery.reconciler); listen for purges, so this
    worker can answer hits from its own copies (cms.delivery.local_copies)."""
    from django.conf import settings

    from cms.delivery import local_copies, reconciler

    local_copies.start()

    try:
        reconciler.apply_kept_purges()
    except Exception as error:  # the database may not be up yet; the reconciler tries again
        worker.log.warning("Could not apply pending cache purges at start-up: %s", error)
    reconciler.start(settings.CMS_PURGE_RECONCILE_SECONDS)
