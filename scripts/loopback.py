# ruff: noqa: S603, S607  (runs nginx and openssl with arguments of its own making)
"""The production stack's own pieces on loopback: gunicorn with the repository's configuration,
and nginx from the production template with ports, paths and a self-signed certificate filled
in. The stack tests, the benchmark and the fault drill run them as compose/prod does (there is
no Docker engine on these machines)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NGINX_DIR = ROOT / "compose" / "prod" / "nginx"
MODULES = ("ngx_http_cache_purge_module.so", "ngx_http_brotli_filter_module.so")


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


def start_gunicorn(env, port, workers=2, log=None):
    """gunicorn with config/gunicorn.conf.py on 127.0.0.1:`port`; its log to `log` (a path),
    or its access log nowhere."""
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    if log is None:
        return subprocess.Popen([*command, "--access-logfile", "/dev/null"], cwd=ROOT, env=env)
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def self_signed_certificate(directory, server_name):
    key, certificate = directory / "tls.key", directory / "tls.crt"
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
            f"/CN={server_name}",
            "-addext",
            f"subjectAltName=DNS:{server_name}",
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


@dataclass
class Nginx:
    """One nginx instance in front of one app server."""

    conf_dir: Path
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    purge_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def args(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        return [binary, "-p", str(self.conf_dir), "-c", str(self.conf_dir / "nginx.conf")]

    @property
    def purge_url(self):
        return f"http://127.0.0.1:{self.purge_port}"

    def check(self):
        return subprocess.run([*self.args, "-t"], capture_output=True, text=True)

    def start(self):
        self.process = subprocess.Popen([*self.args, "-g", "daemon off;"])
        wait_for_port(self.https_port, self.process)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def configure(
    conf_dir, *, server_name, app_port, site_root, certificate, key, workers=1, **overrides
):
    """Write nginx.conf and the filled-in template to `conf_dir`; `site_root` holds static/
    and media/. Returns the (not yet started) Nginx."""
    conf_dir.mkdir()
    for directory in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "cache"):
        (conf_dir / directory).mkdir()
    nginx = Nginx(conf_dir)
    shutil.copy(NGINX_DIR / "security_headers.conf", conf_dir / "security_headers.conf")
    values = {
        "CMS_SERVER_NAME": server_name,
        "CMS_UPSTREAM": f"127.0.0.1:{app_port}",
        "CMS_STATIC_ROOT": site_root / "static",
        "CMS_MEDIA_ROOT": site_root / "media",
        "NGINX_HTTP_PORT": nginx.http_port,
        "NGINX_HTTPS_PORT": nginx.https_port,
        "NGINX_PURGE_LISTEN": f"127.0.0.1:{nginx.purge_port}",
        "NGINX_PURGE_ALLOW": "127.0.0.1",
        "NGINX_CACHE_DIR": conf_dir / "cache",
        "NGINX_CONF_DIR": conf_dir,
        "NGINX_API_RATE": "30r/s",
        "NGINX_WEBSITE_DATA_RATE": "100000r/s",
        "NGINX_API_BURST": "60",
        "NGINX_LOGIN_RATE": "5r/m",
        "NGINX_REFRESH_RATE": "6r/m",
        "CERTBOT_WEBROOT": site_root / "certbot",
        "TLS_CERTIFICATE": certificate,
        "TLS_CERTIFICATE_KEY": key,
        **overrides,
    }
    template = (NGINX_DIR / "cms.conf.template").read_text()
    (conf_dir / "cms.conf").write_text(render(template, values))
    user = "user root;" if os.geteuid() == 0 else ""
    modules = "\n".join(f"load_module /usr/lib/nginx/modules/{name};" for name in MODULES)
    (conf_dir / "nginx.conf").write_text(
        f"""{user}
{modules}
worker_processes {workers};
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/error.log warn;
events {{ worker_connections 1024; }}
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
    return nginx
