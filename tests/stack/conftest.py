"""The production stack on loopback: PostgreSQL and Redis (from scripts/with-services), gunicorn
with the production settings, and nginx with the repository's configuration, its ports and a
self-signed certificate filled in here. There is no Docker engine on these machines: this runs
the same pieces the compose file runs, directly."""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from scripts.loopback import (
    ROOT,
    collectstatic_command,
    compose_service,
    configure,
    free_port,
    run_as_deployed,
    self_signed_certificate,
    start_gunicorn,
    wait_for_port,
)

SERVER_NAME = "cms.test"
ADMIN_PASSWORD = "stack-admin-password-42"
ALLOWED_ORIGIN = "https://www.example.com"  # the frontend's, in CORS_ALLOWED_ORIGINS


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    def json(self):
        import json

        return json.loads(self.body)


@dataclass
class Stack:
    http_port: int
    https_port: int
    workdir: Path

    def curl(self, path, scheme="https", host=SERVER_NAME, args=(), headers=None, port=None):
        port = port or (self.https_port if scheme == "https" else self.http_port)
        url = f"{scheme}://{host}:{port}{path}"
        command = [
            "curl",
            "--silent",
            "--show-error",
            "--insecure",
            "--max-time",
            "10",
            "--resolve",
            f"{host}:{port}:127.0.0.1",
            "--dump-header",
            "-",
            *args,
        ]
        for name, value in (headers or {}).items():
            command += ["--header", f"{name}: {value}"]
        result = subprocess.run([*command, url], capture_output=True, timeout=30)
        if result.returncode != 0:
            return Response(0, {}, result.stderr)
        raw = result.stdout
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            # A header sent twice is one list (RFC 9110 5.3), e.g. nginx's two Vary lines.
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return Response(int(lines[0].split()[1]), headers, body)


def figures_of(script, *args):
    """Run scripts/`script` through scripts/with-services (its own PostgreSQL and Redis) and
    return the figures it prints on its last line, `FIGURES {json}`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    run = subprocess.run(
        ["scripts/with-services", sys.executable, f"scripts/{script}", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next((line for line in run.stdout.splitlines() if line.startswith("FIGURES ")), None)
    assert line, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(line.removeprefix("FIGURES "))
    print(json.dumps(figures, indent=1))
    return figures


def _database_url(name):
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_database(name):
    """A new, empty database `name` on the test cluster (dropped first if it exists)."""
    admin = psycopg2.connect(_database_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    admin.close()
    return _database_url(name)


VARNISH_VCL = """vcl 4.1;
# A CDN on loopback: Varnish with the xkey module, purged by tag (Surrogate-Key) from the app
# servers, as Fastly would be. It stands where TLS would already have been ended.
import xkey;

backend app {{ .host = "127.0.0.1"; .port = "{app_port}"; }}
acl purgers {{ "127.0.0.1"; }}

sub vcl_recv {{
    if (req.method == "PURGE") {{
        if (client.ip !~ purgers) {{ return (synth(403, "Forbidden")); }}
        set req.http.n-gone = xkey.purge(req.http.Surrogate-Key);
        return (synth(200, "Purged " + req.http.n-gone));
    }}
    set req.http.X-Forwarded-Proto = "https";
    if (req.url !~ "^/api/") {{ return (pass); }}
    unset req.http.Cookie;
}}
sub vcl_backend_response {{
    set beresp.http.xkey = beresp.http.Surrogate-Key;
}}
sub vcl_deliver {{
    unset resp.http.xkey;
    if (obj.hits > 0) {{ set resp.http.X-Varnish-Cache = "HIT"; }}
    else {{ set resp.http.X-Varnish-Cache = "MISS"; }}
}}
"""


def start_varnish(workdir, port, app_port):
    vcl = workdir / "varnish.vcl"
    vcl.write_text(VARNISH_VCL.format(app_port=app_port))
    return subprocess.Popen(
        [
            shutil.which("varnishd") or "/usr/sbin/varnishd",
            "-F",
            "-j",
            "none",
            "-n",
            str(workdir / "varnish"),
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-s",
            "malloc,32m",
            "-p",
            "vmod_path=/usr/lib/x86_64-linux-gnu/varnish/vmods:/usr/lib/varnish/vmods",
        ],
        stdout=(workdir / "varnish.log").open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """Two app servers on one PostgreSQL and Redis; nginx A in front of the first, nginx B of
    the second (one per app server, as in a scaled deployment), and Varnish in front of the
    first. Every publish purges Redis, both nginx caches and Varnish."""
    for program in ("nginx", "varnishd"):
        if not (shutil.which(program) or Path(f"/usr/sbin/{program}").exists()):
            pytest.fail(f"{program} is not installed: scripts/install-system-deps installs it")
    workdir = tmp_path_factory.mktemp("stack")
    workdir.chmod(0o755)
    database_url = create_database("cms_stack")
    (workdir / "media").mkdir(exist_ok=True)

    certificate, key = self_signed_certificate(workdir, SERVER_NAME)
    app_ports = [free_port(), free_port()]
    nginx_a, nginx_b = (
        configure(
            workdir / name,
            server_name=SERVER_NAME,
            app_port=port,
            site_root=workdir,
            certificate=certificate,
            key=key,
            cors_origins=ALLOWED_ORIGIN,
        )
        for name, port in (("nginx", app_ports[0]), ("nginx-b", app_ports[1]))
    )
    varnish_port = free_port()

    redis = urlsplit(os.environ["REDIS_URL"])
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "stack-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
        "ALLOWED_HOSTS": SERVER_NAME,
        "DATABASE_URL": database_url,
        "REDIS_URL": urlunsplit(redis._replace(path="/1")),
        "WAGTAILADMIN_BASE_URL": f"https://{SERVER_NAME}:{nginx_a.https_port}",
        "CMS_STATIC_ROOT": str(workdir / "static"),
        "CMS_MEDIA_ROOT": str(workdir / "media"),
        "CMS_LOG_LEVEL": "WARNING",
        "CORS_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        "CMS_NGINX_PURGE_URLS": ",".join(nginx.purge_url for nginx in (nginx_a, nginx_b)),
        "CMS_SURROGATE_PURGE_URL": f"http://127.0.0.1:{varnish_port}/",
        "CMS_PURGE_RECONCILE_SECONDS": "0.5",
        "DJANGO_SUPERUSER_USERNAME": "admin",
        "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
        "HOME": str(workdir),
    }
    # A deploy's steps as compose and the image run them; the demo content and an admin
    # between them, as `make run` makes them.
    run_as_deployed(env, compose_service("migrate")["command"], capture_output=True)
    for command in (["seed_demo"], ["ensure_superuser"]):
        run_as_deployed(env, ["python", "manage.py", *command], capture_output=True)
    run_as_deployed(env, collectstatic_command(), capture_output=True)

    apps = [
        start_gunicorn(env, port, log=workdir / f"gunicorn-{n}.log")
        for n, port in enumerate(app_ports)
    ]
    varnish = start_varnish(workdir, varnish_port, app_ports[0])
    try:
        for app, port in zip(apps, app_ports, strict=True):
            wait_for_port(port, app)
        nginx_a.start()
        nginx_b.start()
        check = nginx_a.check()
        wait_for_port(varnish_port, varnish)
        running = Stack(nginx_a.http_port, nginx_a.https_port, workdir)
        running.app_port = app_ports[0]
        running.app_ports = app_ports
        running.nginx = [nginx_a, nginx_b]
        running.varnish_port = varnish_port
        running.nginx_check = check
        running.env = env
        running.database_url = database_url
        yield running
    finally:
        for nginx in (nginx_a, nginx_b):
            nginx.stop()
        for process in (varnish, *apps):
            process.terminate()
            process.wait(10)
