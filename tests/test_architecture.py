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
