# ruff: noqa: S603, S607  (runs nginx and openssl with arguments of its own making)
"""The production stack's own pieces on loopback: gunicorn with the repository's configuration,
the PostgreSQL cluster of scripts/with-services (frozen and stopped for real), and nginx as the
production image runs it (Debian's nginx.conf, the compose file's environment and volumes, the
image's entrypoint filling the template), with only ports, addresses and a self-signed
certificate changed. The stack tests, the benchmark and the fault drill run them as compose/prod
does (there is no Docker engine on these machines)."""

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
NGINX_DIR = ROOT / "compose" / "prod" / "nginx"
DOCKERFILE = ROOT / "compose" / "Dockerfile"


def image_command():
    """The app image's CMD, which compose's web service runs (it has no command of its own)."""
    commands = re.findall(r"^CMD (\[.*\])$", DOCKERFILE.read_text(), re.MULTILINE)
    return json.loads(commands[-1])


def collectstatic_command():
    """The image's collectstatic step, as its Dockerfile runs it at build time."""
    step = re.search(r"python manage\.py collectstatic[^&\\\n]*", DOCKERFILE.read_text())
    return shlex.split(step.group(0))


def as_in_the_image(env):
    """`env` with this virtualenv's programs first on PATH: the image's and compose's commands
    say `python` and `gunicorn`, the image's own."""
    return {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"}


def run_as_deployed(env, command, **options):
    """A one-off step of a deploy (compose's `migrate`, the image's collectstatic), as written."""
    return subprocess.run(
        command, cwd=ROOT, env=as_in_the_image(env), check=True, timeout=300, **options
    )


def start_worker(env, **options):
    """The background worker with the command compose's `worker` service gives it."""
    command = compose_service("worker")["command"]
    return subprocess.Popen(command, cwd=ROOT, env=as_in_the_image(env), **options)


_handed_out: set[int] = set()


def free_port():
    """A loopback port nothing listens on, never one this process handed out before: the
    kernel may offer a port again as soon as the probe closes, before its first taker binds
    it (two of nginx's ports were once the same, and nginx refused to start)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


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


def start_gunicorn(env, port, workers=2, log=None):
    """gunicorn as the app image starts it (its CMD: config/gunicorn.conf.py), told its address
    and number of workers the way compose tells it, on 127.0.0.1:`port`; its log to `log` (a
    path), or its access log nowhere."""
    env = as_in_the_image(
        {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    )
    if log is None:
        command = [*image_command(), "--access-logfile", "/dev/null"]
        return subprocess.Popen(command, cwd=ROOT, env=env)
    return subprocess.Popen(
        image_command(), cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


class Postgres:
    """The cluster behind `url` (scripts/with-services' throwaway one): frozen with SIGSTOP
    (every process of it: the postmaster first, so that it forks no new backend), or stopped
    and started with pg_ctl."""

    def __init__(self, url):
        self.url = url
        self.port = urlsplit(url).port
        self.data = self._psql("SHOW data_directory")
        self.pg_ctl = str(next(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")))
        self.frozen = []

    def _psql(self, query):
        run = subprocess.run(
            ["psql", self.url, "-Atc", query], capture_output=True, text=True, check=True
        )
        return run.stdout.strip()

    def _pg_ctl(self, *args):
        runuser = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        subprocess.run(
            [*runuser, self.pg_ctl, "-D", self.data, *args], check=True, capture_output=True
        )

    def freeze(self):
        """The postmaster is stopped before its children are listed, so none is forked after;
        a backend that exits meanwhile (a connection a test just closed) is not there to stop."""
        postmaster = int(Path(self.data, "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGSTOP)
        self.frozen = [postmaster]
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True
        ).stdout.split()
        for pid in map(int, children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
                self.frozen.append(pid)

    def thaw(self):
        for pid in reversed(self.frozen):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    def stop(self):
        self._pg_ctl("-m", "immediate", "stop")

    def start(self):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-w", "-o", options, "-l", f"{self.data}/server.log", "start")


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


COMPOSE_FILE = ROOT / "compose" / "prod" / "compose.yaml"
# The directories of the nginx image that each instance gets a private copy of (a mount
# namespace per instance): the image's own /etc/nginx (Debian's files, nginx.conf untouched),
# and where Debian's nginx.conf and the compose file put the pid, logs, temp files and cache.
PRIVATE_ROOTS = (
    "/etc/nginx",
    "/var/cache",
    "/var/lib/nginx",
    "/var/log/nginx",
    "/run",
    "/srv",
    "/var/www",
)


def compose_service(name):
    """The production compose file's service `name`, as written."""
    import yaml

    return yaml.safe_load(COMPOSE_FILE.read_text())["services"][name]


def interpolate(text, values):
    """Fill `${VAR}`, `${VAR:?message}` and `${VAR:-default}` as compose does: from `values`,
    else the default; a required variable missing from `values` is an error."""

    def value(match):
        name, _, default = match.group(1), match.group(2), match.group(3) or ""
        if name in values:
            return str(values[name])
        if match.group(2) == ":?":
            raise KeyError(f"compose needs {name}")
        return default

    return re.sub(r"\$\{([A-Z_]+)(?:(:\?|:-)([^}]*))?\}", value, text)


@dataclass
class Nginx:
    """One nginx instance in front of one app server, run as the production image runs it:
    Debian's nginx with its own nginx.conf, the compose file's environment and volumes, and
    the image's entrypoint filling the template. Each instance runs in a mount namespace of
    its own, so every path is the one production uses (/etc/nginx/conf.d, /run/nginx.pid,
    /var/cache/nginx/cms…) and two instances never share one."""

    root: Path
    environment: dict = field(default_factory=dict)
    volumes: list = field(default_factory=list)  # (host path, path inside)
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    purge_port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def conf_dir(self):
        """What the entrypoint wrote (conf.d/cms.conf) and nginx's logs, seen from outside."""
        return self.root

    @property
    def cache_dir(self):
        return self.root / "fs" / "var/cache/nginx/cms"

    @property
    def purge_url(self):
        return f"http://127.0.0.1:{self.purge_port}"

    def _mounts(self):
        lines = []
        for target in PRIVATE_ROOTS:
            lines.append(f"mount --bind {self.root / 'fs' / target.lstrip('/')} {target}")
        for source, target in self.volumes:
            lines.append(f"mount --bind {source} {target}")
        return lines

    def start(self):
        entrypoint = NGINX_DIR / "entrypoint.sh"
        script = "set -e\n" + "\n".join(self._mounts()) + f"\nexec {entrypoint}\n"
        env = {"PATH": os.environ["PATH"], **self.environment}
        self.process = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
            env=env,
            stdout=(self.root / "stdout.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.https_port, self.process, timeout=20)
        except RuntimeError as error:
            raise RuntimeError(f"{error}: {self.log()}") from error

    def check(self):
        """`nginx -t` on what the running instance loaded (as compose's healthcheck runs it)."""
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        return subprocess.run(
            ["nsenter", "--target", str(self.process.pid), "--mount", binary, "-t"],
            capture_output=True,
            text=True,
        )

    def log(self):
        parts = [self.root / "stdout.log", self.root / "fs" / "var/log/nginx/error.log"]
        return "\n".join(path.read_text() for path in parts if path.exists())[-3000:]

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def configure(
    root, *, server_name, app_port, site_root, certificate, key, cors_origins="", **overrides
):
    """An nginx instance in `root` (not yet started) in front of 127.0.0.1:`app_port`, with
    the compose file's nginx environment and volumes. Only what loopback needs differs: the
    ports, the upstream, the purge listener's address, and a self-signed certificate for
    Let's Encrypt's (plus `overrides`, e.g. a rate). `site_root` holds static/ and media/;
    `cors_origins` is the .env's CORS_ALLOWED_ORIGINS, which the app reads too."""
    root.mkdir()
    nginx = Nginx(root)
    fs = root / "fs"
    # The image (compose/prod/nginx/Dockerfile): Debian's /etc/nginx without the default site,
    # and the directories its RUN step makes; then Debian's owner for nginx's own state.
    shutil.copytree("/etc/nginx", fs / "etc/nginx", symlinks=True)
    shutil.rmtree(fs / "etc/nginx/sites-enabled")
    (fs / "etc/nginx/sites-enabled").mkdir()
    for directory in ("etc/nginx/cms", "etc/nginx/templates", "var/cache/nginx/cms"):
        (fs / directory).mkdir(parents=True, exist_ok=True)
    for directory in ("var/lib/nginx", "var/log/nginx", "run", "srv", "var/www"):
        (fs / directory).mkdir(parents=True, exist_ok=True)
    for directory in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (fs / "var/lib/nginx" / directory).mkdir()
        shutil.chown(fs / "var/lib/nginx" / directory, "www-data")

    service = compose_service("nginx")
    values = {"CMS_SERVER_NAME": server_name, "CORS_ALLOWED_ORIGINS": cors_origins}
    nginx.environment = {
        name: interpolate(str(value), values) for name, value in service["environment"].items()
    }
    nginx.environment.update(
        {
            "CMS_UPSTREAM": f"127.0.0.1:{app_port}",
            "NGINX_HTTP_PORT": str(nginx.http_port),
            "NGINX_HTTPS_PORT": str(nginx.https_port),
            "NGINX_PURGE_LISTEN": f"127.0.0.1:{nginx.purge_port}",
            "NGINX_PURGE_ALLOW": "127.0.0.1",
            "TLS_CERTIFICATE": str(certificate),
            "TLS_CERTIFICATE_KEY": str(key),
            **{name: str(value) for name, value in overrides.items()},
        }
    )
    named = {
        "static": site_root / "static",
        "media": site_root / "media",
        "certbot-webroot": root / "certbot",
        "nginx-cache": fs / "var/cache/nginx/cms",
    }
    (root / "certbot").mkdir()
    for volume in service["volumes"]:
        source, target = volume.split(":")[:2]
        if source == "certificates":
            continue  # Let's Encrypt's: a self-signed certificate stands in (TLS_CERTIFICATE)
        if source in named:  # a named volume: a directory, made here if need be
            host = named[source]
            host.mkdir(parents=True, exist_ok=True)
        else:  # a file or directory of the repository's
            host = COMPOSE_FILE.parent / source
        inside = fs / target.lstrip("/")
        if host.is_dir():
            inside.mkdir(parents=True, exist_ok=True)
        else:
            inside.parent.mkdir(parents=True, exist_ok=True)
            inside.touch()
        nginx.volumes.append((host.resolve(), target))
    # Debian's nginx.conf runs the workers as www-data: the cache is theirs to write.
    shutil.chown(fs / "var/cache/nginx/cms", "www-data")
    return nginx
