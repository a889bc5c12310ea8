"""The operations scripts: backup, restore, health monitor."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stack.conftest import ROOT, create_database

PAYLOAD = (
    "import json; from cms.delivery.sections import SECTIONS; "
    "from cms.delivery.build import build_fragments; "
    "print(json.dumps({code: {s.key: json.loads(fragment.body) for s, fragment in "
    "build_fragments(code, list(SECTIONS)).items()} for code in ('en', 'ar')}))"
)


def payloads(env, database_url, media_root):
    """Both locales' payloads built straight from `database_url` (no cache involved)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", PAYLOAD],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


def files(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def test_a_backup_restored_into_a_fresh_database_serves_the_same_website(stack, tmp_path):
    for code in ("en", "ar"):  # a live site has its renditions: they are in the backup too
        assert stack.curl(f"/api/website-data/?locale={code}").status == 200
    backup = subprocess.run(
        [str(ROOT / "scripts" / "backup"), str(tmp_path / "backups")],
        env=stack.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    dump, media_archive = backup.stdout.split()
    assert dump.endswith(".dump") and media_archive.endswith(".tar.gz")

    restored_url = create_database("cms_restored")
    restored_media = tmp_path / "restored-media"
    subprocess.run(
        [str(ROOT / "scripts" / "restore"), dump, media_archive],
        env={
            **stack.env,
            "DATABASE_URL": restored_url,
            "CMS_MEDIA_ROOT": str(restored_media),
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )

    original = payloads(stack.env, stack.env["DATABASE_URL"], stack.workdir / "media")
    copy = payloads(stack.env, restored_url, restored_media)
    assert copy == original
    assert copy["ar"]["menu_items"][0]["label"] == "الرئيسية"
    assert files(restored_media) == files(stack.workdir / "media")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_health_monitor_reports_ok_and_fails_on_an_unreachable_cms(live_server):
    monitor = [sys.executable, str(ROOT / "scripts" / "health-monitor"), "--once"]
    ok = subprocess.run([*monitor, f"{live_server.url}/health/"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["status"] == "ok"
    down = subprocess.run(
        [*monitor, "--timeout", "1", "http://127.0.0.1:9/health/"], capture_output=True, text=True
    )
    assert down.returncode == 2
    assert json.loads(down.stdout)["status"].startswith("unreachable")
