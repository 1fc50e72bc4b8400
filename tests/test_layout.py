"""The package's shape, held by tests: no import cycles, small modules, private names kept private.

Imports are read from the source (every import, also those inside functions and under
``TYPE_CHECKING``), so a cycle hidden behind a lazy import is still found.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"
MAX_LINES = 450
# Modules that are data (word lists and tables), not logic, may be longer.
DATA_TABLES = {"summarizer.offline.lexicon"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def resolve(importer: str, level: int, target: str | None) -> str:
    """The absolute name of ``from <level dots><target> import ...`` written in ``importer``."""
    if level == 0:
        return target or ""
    base = importer.split(".")
    if not is_package(importer):
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports_of(name: str) -> list[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for every import in module ``name``."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, "", node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = resolve(name, node.level, node.module)
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in MODULES:
                    found.append((submodule, "", node.lineno))
                else:
                    found.append((source, alias.name, node.lineno))
    return [item for item in found if item[0] == "summarizer" or item[0].startswith("summarizer.")]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, _, _ in imports_of(name):
            if target in MODULES and target != name:
                edges[name].add(target)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_checker_finds_a_cycle_and_sees_none_in_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    assert resolve("summarizer.cli.app", 2, "config") == "summarizer.config"
    assert resolve("summarizer.backends", 1, "base") == "summarizer.backends.base"


def test_the_package_has_no_import_cycle():
    edges = graph()
    assert sum(len(e) for e in edges.values()) > 100  # the checker saw the package's imports
    assert find_cycle(edges) is None, " -> ".join(find_cycle(edges) or [])


@pytest.mark.parametrize("name", sorted(set(MODULES) - DATA_TABLES))
def test_no_module_is_longer_than_the_limit(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name]} has {lines} lines; split it along its seams"


def test_no_private_name_is_imported_from_another_module():
    crossings = []
    for name in MODULES:
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        module_aliases = set()
        for target, imported, line in imports_of(name):
            if imported.startswith("_") and not imported.startswith("__"):
                crossings.append(f"{name}:{line} imports {target}.{imported}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = resolve(name, node.level, node.module)
                module_aliases |= {a.asname or a.name for a in node.names if f"{source}.{a.name}" in MODULES}
            elif isinstance(node, ast.Import):
                module_aliases |= {a.asname for a in node.names if a.asname and a.name.startswith("summarizer")}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in module_aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                crossings.append(f"{name}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert crossings == []


def modules_where(found) -> set[str]:
    """The modules with at least one node of their syntax tree for which ``found(node)`` holds."""
    return {name for name, path in MODULES.items()
            if any(found(node) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))}


def test_instructor_internals_are_reached_from_one_adapter_only():
    def reaches(node):
        if isinstance(node, ast.ImportFrom):
            return node.level == 0 and (node.module or "").startswith("instructor.")
        return isinstance(node, ast.Import) and any(a.name.startswith("instructor.") for a in node.names)

    assert modules_where(reaches) == {"summarizer.backends.openai.structured"}


def test_only_the_finishing_module_builds_brief_metadata():
    def builds(node):
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "BriefMeta"

    assert modules_where(builds) == {"summarizer.finish"}


def test_only_the_configuration_reads_the_environment():
    def reads(node):
        return (isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}
                and isinstance(node.value, ast.Name) and node.value.id == "os")

    assert modules_where(reads) == {"summarizer.config"}


def test_the_command_line_loads_no_model_or_client_library_before_a_command_runs():
    # what `summarizer --help` pays for: the CLI's own modules and typer, nothing heavy
    import subprocess
    import sys

    probe = "import sys, summarizer.cli; print(sorted(m for m in ('pydantic', 'openai', 'instructor', " \
            "'rapidfuzz', 'aiohttp', 'asyncio') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
