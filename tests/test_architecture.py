"""Layering: the core package ``synoptic`` never depends on Qt or on the ``ui`` package.

So ``synoptux ingest``, ``status``, ``init-db``... run on a server without Qt's libraries,
and the rules are testable without a display.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORE = REPO / "synoptic"
FORBIDDEN = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "ui")


def core_files() -> list[Path]:
    return sorted(p for p in CORE.rglob("*.py") if "__pycache__" not in p.parts)


def core_modules() -> list[str]:
    names = []
    for path in core_files():
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in the file, however nested."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def test_the_scan_sees_the_core_and_finds_forbidden_imports(tmp_path: Path) -> None:
    names = core_modules()
    for expected in ("synoptic.cli", "synoptic.services", "synoptic.domain", "synoptic.store.db"):
        assert expected in names
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "from PySide6.QtCore import QTimer\n"
        "def later():\n"
        "    import ui.widgets\n"
        "    from . import sibling\n"
        "    importlib.import_module('shiboken6')\n",
        encoding="utf-8",
    )
    assert imported_modules(sample) == [
        (1, "os"), (2, "PySide6.QtCore"), (4, "ui.widgets"), (6, "shiboken6")]


def test_no_core_module_imports_qt_or_ui() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{line}: import {module}"
        for path in core_files()
        for line, module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def _loaded_after_import(modules: list[str]) -> dict[str, object]:
    """Import ``modules`` in a fresh interpreter; report what Qt/ui modules got loaded."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps({'PySide6': 'PySide6' in sys.modules,\n"
        "                  'qt': sorted(m for m in sys.modules\n"
        "                               if m.split('.')[0] in ('PySide6', 'shiboken6')),\n"
        "                  'ui': sorted(m for m in sys.modules if m.split('.')[0] == 'ui'),\n"
        "                  'imported': sorted(m for m in sys.modules if m in\n"
        f"                                     {modules!r})}}))\n"
    )
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=REPO, env=dict(os.environ), timeout=120, check=False)
    assert child.returncode == 0, child.stderr
    return json.loads(child.stdout.strip().splitlines()[-1])


def test_importing_the_core_loads_no_qt() -> None:
    modules = core_modules()
    loaded = _loaded_after_import(modules)
    assert loaded["imported"] == sorted(modules)
    assert loaded["PySide6"] is False
    assert loaded["qt"] == []
    assert loaded["ui"] == []


def test_the_command_entry_point_loads_no_qt() -> None:
    """``ui.main`` builds the parser of the headless commands without importing Qt."""
    loaded = _loaded_after_import(["ui.main"])
    assert loaded["imported"] == ["ui.main"]
    assert loaded["PySide6"] is False
    assert loaded["qt"] == []


# The UI reads through synoptic.reads and writes through synoptic.services: it never names
# the store (sessions, queries, models) nor the database library, not even for typing.
UI = REPO / "ui"
UI_FORBIDDEN = ("synoptic.store", "sqlalchemy")


def imported_names(path: Path) -> list[tuple[int, str]]:
    """:func:`imported_modules`, and ``a.b`` for each ``from a import b`` (a submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = imported_modules(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return sorted(set(found))


def ui_offenders(root: Path) -> list[str]:
    return [
        f"{path.relative_to(root.parent)}:{line}: import {module}"
        for path in sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
        for line, module in imported_names(path)
        if any(module == f or module.startswith(f + ".") for f in UI_FORBIDDEN)
    ]


def test_the_ui_scan_finds_store_and_sqlalchemy_imports(tmp_path: Path) -> None:
    root = tmp_path / "ui"
    (root / "dialogs").mkdir(parents=True)
    (root / "ok.py").write_text("from synoptic.views import PatientView\n", encoding="utf-8")
    (root / "dialogs" / "bad.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "import sqlalchemy.exc\n"
        "if TYPE_CHECKING:\n"
        "    from synoptic.store.db import Store\n"
        "def later():\n"
        "    from synoptic.store import queries\n"
        "from synoptic import store\n",
        encoding="utf-8",
    )
    assert ui_offenders(root) == [
        "ui/dialogs/bad.py:2: import sqlalchemy.exc",
        "ui/dialogs/bad.py:4: import synoptic.store.db",
        "ui/dialogs/bad.py:4: import synoptic.store.db.Store",
        "ui/dialogs/bad.py:6: import synoptic.store",
        "ui/dialogs/bad.py:6: import synoptic.store.queries",
        "ui/dialogs/bad.py:7: import synoptic.store",
    ]


def test_no_ui_module_imports_the_store_or_sqlalchemy() -> None:
    assert ui_offenders(UI) == []


# No import cycle among the project's modules, not even through imports made for typing only
# (``if TYPE_CHECKING:``): a cycle ties two rooms so that neither can be read, tested or
# moved alone.  Break one with a small Protocol in the lower module, or pass callables.
def module_names(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """``package.module`` -> file, for every module of ``packages`` (folders in ``root``)."""
    names = {}
    for path in sorted(p for package in packages for p in (root / package).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Which of ``packages``' modules each one names in an import (relative imports, imports
    inside functions and under ``TYPE_CHECKING`` included).  ``from a import b`` names the
    module ``a.b`` when there is one, else ``a``; a package's ``__init__`` run on the way
    to one of its modules is not counted (it is not what the importing module asked for)."""
    modules = module_names(root, packages)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        found: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name in modules}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    if f"{source}.{alias.name}" in modules:
                        found.add(f"{source}.{alias.name}")
                    elif source in modules:
                        found.add(source)
        graph[name] = found - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or not (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_cycle_scan_sees_type_only_and_relative_imports(tmp_path: Path) -> None:
    (tmp_path / "app" / "sub").mkdir(parents=True)
    files = {
        "app/__init__.py": "from app.a import A\n",
        "app/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.b import B\n",
        "app/b.py": "def later():\n    from .sub import c\n",
        "app/sub/__init__.py": "",
        "app/sub/c.py": "from .. import a\nimport os\n",
        "app/d.py": "import app.sub.c\nfrom app import sub\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path, ("app",))
    assert graph == {
        "app": {"app.a"},
        "app.a": {"app.b"},
        "app.b": {"app.sub.c"},
        "app.sub": set(),
        "app.sub.c": {"app.a"},
        "app.d": {"app.sub.c", "app.sub"},
    }
    assert cycles(graph) == [["app.a", "app.b", "app.sub.c"]]


def test_no_import_cycle_in_the_core_or_the_ui() -> None:
    assert cycles(import_graph(REPO, ("synoptic", "ui"))) == []
