"""The compose files and the Dockerfile, read as data: what the operators will run."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose"


def load(name):
    return yaml.safe_load((COMPOSE / name / "compose.yaml").read_text())


@pytest.fixture(params=["dev", "prod"])
def compose(request):
    return request.param, load(request.param)


def test_both_stacks_run_postgresql_15_and_redis_7_with_healthchecks(compose):
    _, spec = compose
    services = spec["services"]
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("db", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name


def test_production_passwords_never_go_inside_a_url():
    """Compose cannot percent-encode: a password with / @ or # would break the URL."""
    environment = load("prod")["x-app"]["environment"]
    for url in ("DATABASE_URL", "REDIS_URL"):
        assert "PASSWORD" not in environment[url], environment[url]
    assert environment["DATABASE_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert environment["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")


def test_the_database_and_redis_are_never_published_to_the_host(compose):
    _, spec = compose
    for name in ("db", "redis"):
        assert "ports" not in spec["services"][name], name


def test_the_production_stack_has_its_services_and_volumes():
    spec = load("prod")
    assert set(spec["services"]) == {
        "web",
        "worker",
        "migrate",
        "static",
        "nginx",
        "certbot",
        "db",
        "redis",
    }
    assert {"db-data", "media", "static", "certificates"} <= set(spec["volumes"])
    published = {name for name, service in spec["services"].items() if "ports" in service}
    assert published == {"nginx"}


def test_migrations_and_renditions_run_once_per_deploy_not_in_the_web_command():
    services = load("prod")["services"]
    assert services["migrate"]["command"] == [
        "sh",
        "-c",
        "python manage.py migrate --no-input && python manage.py prepare_images",
    ]
    assert services["migrate"]["restart"] == "no"
    assert "command" not in services["web"]  # the image's gunicorn CMD
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }


def test_both_stacks_run_the_background_worker_after_migrations():
    for name in ("dev", "prod"):
        worker = load(name)["services"]["worker"]
        assert worker["command"] == ["python", "manage.py", "cms_worker"]
        assert "ports" not in worker
    prod = load("prod")["services"]["worker"]
    assert prod["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert prod["restart"] == "unless-stopped"
    assert load("dev")["services"]["worker"]["depends_on"]["web"] == {
        "condition": "service_healthy"  # the web service migrates first in development
    }


def test_redis_has_a_password_and_an_eviction_policy_that_keeps_purge_tokens():
    command = " ".join(load("prod")["services"]["redis"]["command"])
    assert "--requirepass" in command
    assert "--maxmemory-policy volatile-lru" in command


def test_files_the_compose_files_mount_or_run_exist():
    for name in ("dev", "prod"):
        spec = load(name)
        for service in spec["services"].values():
            build = service.get("build")
            if build:
                context = (COMPOSE / name / build["context"]).resolve()
                assert (context / build["dockerfile"]).is_file()
            for volume in service.get("volumes", []):
                source = volume.split(":")[0]
                if source.startswith("."):
                    assert (COMPOSE / name / source).exists(), source
            command = " ".join(service.get("command", []) or [])
            for script in re.findall(r"(?:manage\.py|scripts/[\w-]+)", command):
                assert (ROOT / script).exists(), script
            test = " ".join(service.get("healthcheck", {}).get("test", []))
            for script in re.findall(r"scripts/[\w-]+", test):
                assert (ROOT / script).exists(), script


def test_the_image_is_multi_stage_non_root_and_collects_static_at_build():
    dockerfile = (COMPOSE / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.MULTILINE)) == 2
    assert re.search(r"^USER app$", dockerfile, re.MULTILINE)
    assert "collectstatic" in dockerfile
    cmd = re.search(r"^CMD (.*)$", dockerfile, re.MULTILINE).group(1)
    assert "gunicorn" in cmd and "migrate" not in cmd
    assert (ROOT / "config" / "gunicorn.conf.py").is_file()
    assert (ROOT / "scripts" / "container-healthcheck").is_file()


def test_gunicorn_settings_scale_workers_and_restart_them_gracefully():
    namespace = {}
    exec((ROOT / "config" / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102
    assert namespace["workers"] >= 3
    assert namespace["max_requests"] > 0 and namespace["max_requests_jitter"] > 0
    assert namespace["timeout"] and namespace["graceful_timeout"]
    assert namespace["accesslog"] == "-"


def test_nginx_is_debians_with_the_cache_purge_module_and_its_template_is_filled_in():
    nginx = load("prod")["services"]["nginx"]
    dockerfile = (COMPOSE / "prod" / "nginx" / "Dockerfile").read_text()
    assert "libnginx-mod-http-cache-purge" in dockerfile
    assert nginx["build"]["context"] == "nginx"
    template = (COMPOSE / "prod" / "nginx" / "cms.conf.template").read_text()
    placeholders = set(re.findall(r"\$\{([A-Z_]+)\}", template))
    entrypoint = (COMPOSE / "prod" / "nginx" / "entrypoint.sh").read_text()
    read_by_the_entrypoint = set(re.findall(r"\$\{([A-Z_]+):-", entrypoint))
    assert read_by_the_entrypoint == {"NGINX_CORS_ALLOWED_ORIGINS"}
    assert placeholders | read_by_the_entrypoint == set(nginx["environment"])


def test_the_purge_listener_is_reachable_only_inside_the_compose_network():
    spec = load("prod")
    nginx = spec["services"]["nginx"]
    listen = nginx["environment"]["NGINX_PURGE_LISTEN"]
    assert not any(port.split(":")[-1] == listen for port in nginx["ports"])
    purge_urls = spec["x-app"]["environment"]["CMS_NGINX_PURGE_URLS"]
    assert purge_urls.endswith(f":{listen}")


def test_the_stack_tests_run_nginx_with_the_images_entrypoint_and_packages():
    """The loopback nginx (scripts/loopback.py) execs compose/prod/nginx/entrypoint.sh, as the
    image does, and scripts/install-system-deps installs the packages the image installs."""
    dockerfile = (COMPOSE / "prod" / "nginx" / "Dockerfile").read_text()
    assert "COPY entrypoint.sh /usr/local/bin/cms-nginx" in dockerfile
    assert 'ENTRYPOINT ["/usr/local/bin/cms-nginx"]' in dockerfile
    installed = (ROOT / "scripts" / "install-system-deps").read_text()
    for package in ("libnginx-mod-http-cache-purge", "libnginx-mod-http-brotli-filter"):
        assert package in dockerfile and package in installed
    assert "gettext-base" in dockerfile and "gettext-base" in installed  # envsubst


def _app_services(spec):
    """The services that run the app image and stay up (not the one-off steps)."""
    image = spec["x-app"]["image"]
    return {
        name
        for name, service in spec["services"].items()
        if service.get("image") == image and service.get("restart") != "no"
    }


def test_the_deploy_script_recreates_every_long_running_service_of_the_app_image():
    listed = re.search(r"^app_services=\((.*)\)$", (ROOT / "scripts/deploy").read_text(), re.M)
    assert set(listed.group(1).split()) == _app_services(load("prod")) == {"web", "worker"}


@pytest.fixture
def server(tmp_path):
    """A server's checkout of the repository (a clone of a bare `origin` with two releases),
    with its compose/prod/.env, and `docker` and `curl` stand-ins on PATH that record their
    arguments (there is no Docker engine here). Returns (checkout, releases, env for deploy)."""
    origin, checkout, bin_dir = tmp_path / "origin.git", tmp_path / "server", tmp_path / "bin"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "--bare", str(origin)], check=True)
    work = tmp_path / "work"
    subprocess.run([*git, "clone", "-q", str(origin), str(work)], check=True)
    releases = []
    for release in ("one", "two"):
        (work / "compose/prod").mkdir(parents=True, exist_ok=True)
        (work / "compose/prod/compose.yaml").write_text(f"# release {release}\n")
        subprocess.run([*git, "-C", str(work), "add", "-A"], check=True)
        subprocess.run([*git, "-C", str(work), "commit", "-qm", release], check=True)
        subprocess.run([*git, "-C", str(work), "push", "-q", "origin", "HEAD"], check=True)
        head = subprocess.run(["git", "-C", str(work), "rev-parse", "HEAD"], capture_output=True)
        releases.append(head.stdout.decode().strip())
    subprocess.run([*git, "clone", "-q", str(origin), str(checkout)], check=True)
    subprocess.run(["git", "-C", str(checkout), "checkout", "-q", releases[0]], check=True)
    (checkout / "compose/prod/.env").write_text("CMS_IMAGE=cms:one\nPOSTGRES_PASSWORD=x\n")
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(f'#!/bin/sh\necho "$*" >> {tmp_path}/docker.log\n')
    (bin_dir / "curl").write_text(f"#!/bin/sh\n[ -f {tmp_path}/healthy ]\n")
    for stand_in in ("docker", "curl"):
        (bin_dir / stand_in).chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CMS_DEPLOY_HEALTH_TRIES": "2",
        "CMS_DEPLOY_HEALTH_INTERVAL": "0",
    }
    return checkout, releases, env


def deploy(checkout, env, image, revision):
    return subprocess.run(
        ["bash", str(ROOT / "scripts/deploy"), image, "https://cms.test/health/", revision],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_deploy_moves_the_servers_compose_files_to_the_release_and_recreates_the_worker(
    server,
):
    checkout, releases, env = server
    (checkout.parent / "healthy").touch()
    result = deploy(checkout, env, "cms:two", releases[1])
    assert result.returncode == 0, result.stderr
    assert (checkout / "compose/prod/compose.yaml").read_text() == "# release two\n"
    assert "CMS_IMAGE=cms:two\n" in (checkout / "compose/prod/.env").read_text()
    calls = (checkout.parent / "docker.log").read_text().splitlines()
    assert calls[-1].endswith("up -d --no-deps --force-recreate web worker nginx")
    assert any(call.endswith("pull web worker") for call in calls)


def test_a_deploy_that_fails_its_health_check_goes_back_to_the_previous_release(server):
    checkout, releases, env = server
    result = deploy(checkout, env, "cms:two", releases[1])
    assert result.returncode == 1
    head = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True)
    assert head.stdout.decode().strip() == releases[0]
    assert "CMS_IMAGE=cms:one\n" in (checkout / "compose/prod/.env").read_text()
