"""The apps form layers and an import only points down (STYLE §15); pure modules import no
Django (STYLE §2), so they stay fast to test and readable on their own.

    msoko → schools → assessments → roadmaps → reports
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"msoko": 0, "schools": 1, "assessments": 2, "roadmaps": 3, "reports": 4}
# The project's own wiring joins every app: the root URLconf and the settings.
WIRING = {"msoko/urls.py", "msoko/settings.py"}
PURE_MODULES = (
    "msoko.formatting",
    "msoko.problems",
    "msoko.spreadsheets",
    "schools.wellbeing",
    "assessments.scales",
    "assessments.indicators",
    "assessments.dynamics",
    "assessments.cohorts",
    "assessments.objectivity",
    "reports.identification",
    "roadmaps.importing_risks",
    "roadmaps.importing_collections",
    "assessments.collected",
    "assessments.catalogue",
    "assessments.graduates",
    "assessments.olympiads",
    "assessments.parsing",
    "roadmaps.deadlines",
    "roadmaps.importing",
    "roadmaps.indicators",
)


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """Every absolute import (lazy ones too), except those only for type checking."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_imports_only_point_down() -> None:
    upward = []
    for app, rank in LAYERS.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or relative in WIRING:
                continue
            for line, module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
                top = module.split(".")[0]
                if LAYERS.get(top, -1) > rank:
                    upward.append(f"{relative}:{line} imports {module}")
    assert upward == [], "imports that point up a layer:\n" + "\n".join(upward)


def test_the_check_sees_an_upward_import() -> None:
    tree = ast.parse("def f():\n    from roadmaps.models import Task\n")
    assert _imports(tree) == [(2, "roadmaps.models")]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_import_no_django(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('django')))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"{module} loads Django: {done.stdout[:300]}"
