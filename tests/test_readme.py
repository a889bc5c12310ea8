"""The README says what the code does: its URL table names real endpoints (every API v2
endpoint among them), and its environment-variable table lists exactly the variables the
project reads."""

import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve
from django.utils import translation

from cms.api.v2 import ENDPOINTS
from cms.delivery.sections import SECTIONS

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def table_after(heading):
    """The rows of the first table under `heading`, as lists of cells (backticks kept)."""
    table = "|" + README.split(heading, 1)[1].split("\n\n|", 1)[1].split("\n\n", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        for line in table.splitlines()
    ]
    return [row for row in rows[2:] if row]  # past the header and its rule


def names_in(cell):
    return re.findall(r"`([^`]+)`", cell)


def test_every_url_in_the_readme_resolves():
    urls = [url for row in table_after("## Two commands") for url in names_in(row[0])]
    assert "/api/website-data/?locale=ar" in urls
    for url in urls:
        path = url.split("?", 1)[0]
        language = path.strip("/").split("/")[0]  # pages answer under their locale's prefix
        try:
            with translation.override(language if len(language) == 2 else "en"):
                resolve(path)
        except Resolver404:
            pytest.fail(f"README lists {url}, which no view answers")


def test_the_readme_names_every_api_v2_endpoint():
    listed = next(row for row in table_after("## Two commands") if "`/api/v2/`" in row[0])
    assert set(names_in(listed[1])) == set(ENDPOINTS)


def test_the_readme_names_every_section():
    for section in SECTIONS:
        assert f"`{section.field}`" in README, section.field
        assert f"`{section.key}`" in README, section.key


def variables_read():
    """Every environment variable the settings, gunicorn and the management commands read."""
    sources = [
        *(ROOT / "config").rglob("*.py"),
        *(ROOT / "cms" / "management").rglob("*.py"),
    ]
    pattern = r"""(?:env(?:\.\w+)?|environ\.get|_env_int|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
    return {name for path in sources for name in re.findall(pattern, path.read_text())}


def variables_documented():
    names = set()
    for row in table_after("## Environment variables"):
        previous = None
        for name in names_in(row[0]):
            if name.startswith("_") and previous:  # `DJANGO_SUPERUSER_USERNAME`, `_EMAIL`
                name = previous.rsplit("_", 1)[0] + name
            if re.fullmatch(r"[A-Z][A-Z0-9_]+", name):
                names.add(name)
                previous = name
    return names


def test_every_variable_the_project_reads_is_documented():
    undocumented = variables_read() - variables_documented()
    # GUNICORN_* are documented as a family, with config/gunicorn.conf.py as the reference.
    undocumented = {name for name in undocumented if not name.startswith("GUNICORN_")}
    assert not undocumented, f"Add to the README's environment table: {sorted(undocumented)}"


def test_every_documented_variable_is_read_somewhere():
    everything = "\n".join(
        path.read_text(errors="ignore")
        for folder in ("config", "cms", "compose", "scripts", ".github")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "node_modules" not in path.parts
    )
    unused = {name for name in variables_documented() if name not in everything}
    assert not unused, f"The README documents variables nothing reads: {sorted(unused)}"
