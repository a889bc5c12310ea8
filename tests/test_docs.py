"""The pages in docs/ name real things: each test a consistency row cites exists and is a test,
each module or object it names can be imported, each file it names is in the repository."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md"))


def named(page, pattern):
    return sorted(set(re.findall(pattern, page.read_text())))


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_test_a_page_cites_exists(page):
    for path, name in named(page, r"`(tests/[\w/]+\.py)::(\w+)`"):
        source = (ROOT / path).read_text()
        assert re.search(rf"^def {name}\(", source, re.MULTILINE), f"{path}::{name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_file_a_page_names_exists(page):
    for path in named(page, r"`((?:cms|tests|compose|config|scripts|docs)/[\w./-]+)`"):
        assert (ROOT / path.split("::")[0]).exists(), path


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_module_or_object_a_page_names_imports(page):
    for dotted in named(page, r"`(cms(?:\.\w+)+)`"):
        parts = dotted.split(".")
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
