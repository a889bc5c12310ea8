"""The house's layout holds: rooms with a charter each, no import circles, names used once.

import-linter (`make lint`) holds the floors between the rooms; these hold what it does not."""

import ast
from collections import Counter
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
CMS = ROOT / "cms"
ROOMS = [
    "api",
    "editorial",
    "releases",
    "scheduling",
    "webhooks",
    "delivery",
    "images",
    "cache",
    "core",
]
# Where Django and Wagtail look for a module by its name, in every app and package.
FRAMEWORK_NAMES = {"models.py", "views.py", "wagtail_hooks.py", "apps.py", "urls.py"}


def import_cycles(package: str) -> list[list[str]]:
    """Every circle of imports between modules of `package`, function-level imports
    included (grimp reads every import statement, wherever it is)."""
    graph = grimp.build_graph(package)
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while (top := stack.pop()) != module:
                component.append(top)
            component.append(module)
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_of_cms_imports_itself_back_even_from_inside_a_function():
    assert import_cycles("cms") == []


def test_no_two_modules_of_cms_share_a_name_but_the_frameworks_own():
    names = Counter(
        path.name
        for path in CMS.rglob("*.py")
        if "migrations" not in path.parts and path.name != "__init__.py"
    )
    assert [name for name, n in names.items() if n > 1 and name not in FRAMEWORK_NAMES] == []


def test_every_room_says_what_lives_there_and_what_it_may_import():
    for room in ROOMS:
        charter = ast.get_docstring(ast.parse((CMS / room / "__init__.py").read_text()))
        assert charter, f"cms/{room}/__init__.py has no charter"
        assert "May import:" in charter, f"cms/{room}/__init__.py does not say what it may import"


def test_every_room_is_a_floor_of_the_import_contract():
    contract = (ROOT / "pyproject.toml").read_text()
    assert all(
        f'"{room}"' in contract or f"| {room}" in contract or f"{room} |" in contract
        for room in ROOMS
    )
