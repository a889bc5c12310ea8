"""The docs say what the code does, and cannot drift from it unnoticed: every file, module and
test a page names exists; CONTRIBUTING.md lists every module of cms/, room by room; every make
target, management command and environment variable is documented, and nothing documented is
gone; the README's URL table names real endpoints."""

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands
from django.urls import Resolver404, resolve
from django.utils import translation

from cms.api.v2 import ENDPOINTS
from cms.delivery.sections import SECTIONS

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
PAGES = [README, CONTRIBUTING, *sorted((ROOT / "docs").glob("*.md"))]
OUR_APPS = ("cms", "home", "sitecontent")


def named(page, pattern):
    return sorted(set(re.findall(pattern, page.read_text())))


def without_code(text):
    return re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)


def section_of(page, heading):
    """The text under `heading`, up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    text = without_code(page.read_text()).split(f"\n{heading}\n", 1)[1]
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", text, re.MULTILINE)]
    return text[: ends[0]] if ends else text


def table_in(text):
    """The rows of the first table in `text`, as lists of cells (backticks kept)."""
    table = "|" + text.split("\n|", 1)[1].split("\n\n", 1)[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        for line in table.splitlines()
    ]
    return [row for row in rows[2:] if row]  # past the header and its rule


def names_in(cell):
    return re.findall(r"`([^`]+)`", cell)


# What a page names exists.


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_test_a_page_cites_exists(page):
    for path, name in named(page, r"`(tests/[\w/]+\.py)::(\w+)`"):
        source = (ROOT / path).read_text()
        assert re.search(rf"^def {name}\(", source, re.MULTILINE), f"{path}::{name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_file_a_page_names_exists(page):
    folders = "cms|home|sitecontent|providers|tests|compose|config|scripts|docs|requirements"
    quoted = named(page, rf"`((?:{folders}|\.github|\.ci)/[\w./-]*)`")
    linked = named(page, r"\]\(((?!https?:|#)[\w./-]+)(?:#[\w-]+)?\)")
    for path in quoted + linked:
        file = page.parent / path if path in linked else ROOT / path
        # A file the reader makes from its example (compose/prod/.env) counts as named by it.
        assert file.exists() or file.with_name(file.name + ".example").exists(), path


def anchors_of(page):
    """The anchors GitHub gives a page's headings."""
    headings = re.findall(r"^#+ (.+)$", without_code(page.read_text()), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_to_a_heading_finds_it(page):
    for target, anchor in named(page, r"\]\(((?!https?:)[\w./-]*)#([\w-]+)\)"):
        linked = (page.parent / target) if target else page
        assert anchor in anchors_of(linked), f"{target}#{anchor}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_module_or_object_a_page_names_imports(page):
    for dotted in named(page, r"`((?:cms|home|sitecontent|providers)(?:\.\w+)+)`"):
        parts = dotted.split(".")
        if len(parts) == 2 and importlib.util.find_spec(dotted) is None:
            continue  # `cms.E010`, `home.alternates`: a check, a payload field, not code
        for cut in range(len(parts), 0, -1):  # the longest importable module, then attributes
            try:
                target = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for attribute in parts[cut:]:
                assert hasattr(target, attribute), dotted
                target = getattr(target, attribute)
            break
        else:
            pytest.fail(f"{dotted} is not importable")


# CONTRIBUTING.md lists every module, in its room.


def modules_of(room):
    """The modules of a room of cms/ (the top floor holds its small sub-packages too)."""
    folder = ROOT / "cms" / room
    if room:
        files = folder.glob("*.py")
    else:
        files = [
            *folder.glob("*.py"),
            *(folder / "demo").glob("*.py"),
            *(folder / "templatetags").glob("*.py"),
            *(folder / "management").glob("*.py"),
        ]
    return {path.relative_to(folder).as_posix() for path in files if path.name != "__init__.py"}


ROOMS = sorted(
    path.parent.name
    for path in (ROOT / "cms").glob("*/__init__.py")
    if path.parent.name not in ("demo", "templatetags", "management", "migrations")
)


@pytest.mark.parametrize("room", ["", *ROOMS], ids=lambda room: f"cms/{room}")
def test_contributing_lists_every_module_of_each_room(room):
    heading = f"### `cms/{room + '/' if room else ''}`"
    listed = {name for name in names_in(section_of(CONTRIBUTING, heading)) if name.endswith(".py")}
    assert listed == modules_of(room), f"{heading}: listed {sorted(listed)}"


# Every way in is documented.


def everything_documented():
    return "\n".join(page.read_text() for page in PAGES)


def test_every_make_target_is_documented():
    makefile = (ROOT / "Makefile").read_text()
    targets = re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE)
    assert "test" in targets
    undocumented = [t for t in targets if f"`make {t}" not in README.read_text()]
    assert not undocumented, f"Name these targets in the README: {undocumented}"


def test_every_management_command_of_ours_is_in_the_commands_table():
    ours = {name for name, app in get_commands().items() if app in OUR_APPS}
    assert "cms_worker" in ours
    table = table_in(section_of(ROOT / "docs" / "deployment.md", "## Management commands"))
    documented = {names_in(row[0])[0].split()[0] for row in table}
    assert documented == ours


# The environment table is the settings' own list.


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
    for row in table_in(section_of(README, "## Environment variables")):
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


# The README's URLs and the API page's sections are the real ones.


def url_rows():
    return table_in(section_of(README, "## URLs"))


def test_every_url_in_the_readme_resolves():
    urls = [url for row in url_rows() for url in names_in(row[0])]
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
    listed = next(row for row in url_rows() if "`/api/v2/`" in row[0])
    assert set(names_in(listed[1])) == set(ENDPOINTS)


def test_the_api_page_names_every_section():
    api = (ROOT / "docs" / "api.md").read_text()
    for section in SECTIONS:
        assert f"`{section.field}`" in api, section.field
        assert f"`{section.key}`" in api, section.key


def test_the_readme_stays_short():
    assert len(README.read_text().splitlines()) <= 200


# The habits: pre-commit runs what `make lint` runs.


def test_each_pre_commit_hook_of_ours_is_a_command_of_make_lint():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    ours = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    lint = lint.replace("$(VENV)", ".venv").replace("$(PY)", ".venv/bin/python")
    assert {hook["id"] for hook in ours} == {"ruff", "ruff-format", "lint-imports", "mypy"}
    for hook in ours:
        assert f"\t{hook['entry']}\n" in lint + "\n", hook["entry"]
