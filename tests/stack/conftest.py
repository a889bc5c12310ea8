"""The production stack on loopback: PostgreSQL and Redis (from scripts/with-services), gunicorn
with the production settings, and nginx with the repository's configuration, its ports and a
self-signed certificate filled in here. There is no Docker engine on these machines: this runs
the same pieces the compose file runs, directly."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX_DIR = ROOT / "compose" / "prod" / "nginx"
SERVER_NAME = "cms.test"
ADMIN_PASSWORD = "stack-admin-password-42"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def render(template, values):
    """Fill ${NAME} placeholders; an unknown name is an error, nginx's $names stay."""

    def value(match):
        return str(values[match.group(1)])

    return re.sub(r"\$\{([A-Z_]+)\}", value, template)


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

    def curl(self, path, scheme="https", host=SERVER_NAME, args=(), headers=None):
        port = self.https_port if scheme == "https" else self.http_port
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
            headers.setdefault(name.strip().lower(), value.strip())
        return Response(int(lines[0].split()[1]), headers, body)


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


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.fail("nginx is not installed: scripts/install-system-deps installs it")
    workdir = tmp_path_factory.mktemp("stack")
    workdir.chmod(0o755)
    database_url = create_database("cms_stack")

    http_port, https_port, app_port = free_port(), free_port(), free_port()
    redis = urlsplit(os.environ["REDIS_URL"])
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "stack-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
        "ALLOWED_HOSTS": SERVER_NAME,
        "DATABASE_URL": database_url,
        "REDIS_URL": urlunsplit(redis._replace(path="/1")),
        "WAGTAILADMIN_BASE_URL": f"https://{SERVER_NAME}:{https_port}",
        "CMS_STATIC_ROOT": str(workdir / "static"),
        "CMS_MEDIA_ROOT": str(workdir / "media"),
        "CMS_LOG_LEVEL": "WARNING",
        "DJANGO_SUPERUSER_USERNAME": "admin",
        "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
        "HOME": str(workdir),
    }
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["seed_demo"],
        ["ensure_superuser"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    (workdir / "media").mkdir(exist_ok=True)

    key, certificate = workdir / "tls.key", workdir / "tls.crt"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
            "-subj",
            f"/CN={SERVER_NAME}",
            "-addext",
            f"subjectAltName=DNS:{SERVER_NAME}",
        ],
        check=True,
        capture_output=True,
    )

    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-c",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{app_port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=(workdir / "gunicorn.log").open("w"),
        stderr=subprocess.STDOUT,
    )

    conf_dir = workdir / "nginx"
    conf_dir.mkdir()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (conf_dir / name).mkdir()
    shutil.copy(NGINX_DIR / "security_headers.conf", conf_dir / "security_headers.conf")
    (conf_dir / "cms.conf").write_text(
        render(
            (NGINX_DIR / "cms.conf.template").read_text(),
            {
                "CMS_SERVER_NAME": SERVER_NAME,
                "CMS_UPSTREAM": f"127.0.0.1:{app_port}",
                "CMS_STATIC_ROOT": workdir / "static",
                "CMS_MEDIA_ROOT": workdir / "media",
                "NGINX_HTTP_PORT": http_port,
                "NGINX_HTTPS_PORT": https_port,
                "NGINX_CONF_DIR": conf_dir,
                "NGINX_API_RATE": "30r/s",
                "NGINX_API_BURST": "60",
                "NGINX_LOGIN_RATE": "5r/m",
                "NGINX_REFRESH_RATE": "6r/m",
                "CERTBOT_WEBROOT": workdir / "certbot",
                "TLS_CERTIFICATE": certificate,
                "TLS_CERTIFICATE_KEY": key,
            },
        )
    )
    user = "user root;" if os.geteuid() == 0 else ""
    (conf_dir / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {conf_dir}/access.log;
    client_body_temp_path {conf_dir}/body;
    proxy_temp_path {conf_dir}/proxy;
    fastcgi_temp_path {conf_dir}/fastcgi;
    uwsgi_temp_path {conf_dir}/uwsgi;
    scgi_temp_path {conf_dir}/scgi;
    include {conf_dir}/cms.conf;
}}
"""
    )
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    nginx_args = [nginx_binary, "-p", str(conf_dir), "-c", str(conf_dir / "nginx.conf")]
    check = subprocess.run([*nginx_args, "-t"], capture_output=True, text=True)
    nginx = subprocess.Popen([*nginx_args, "-g", "daemon off;"])
    try:
        wait_for_port(app_port, gunicorn)
        wait_for_port(https_port, nginx)
        running = Stack(http_port, https_port, workdir)
        running.app_port = app_port
        running.nginx_check = check
        running.env = env
        yield running
    finally:
        nginx.terminate()
        gunicorn.terminate()
        nginx.wait(10)
        gunicorn.wait(10)
