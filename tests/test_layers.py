"""Layers point one way (STYLE.md): models and schemas import no services, at any level of a module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import moviesx

PACKAGE = Path(moviesx.__file__).parent


def service_imports(path: Path) -> list[str]:
    """The `moviesx.services` imports of a module, function-level ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [name for name in names if name == "moviesx.services" or name.startswith("moviesx.services.")]
    return found


@pytest.mark.parametrize("layer", ["models", "schemas"])
def test_layer_imports_no_services(layer):
    offenders = {
        str(path.relative_to(PACKAGE.parent)): imports
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if (imports := service_imports(path))
    }
    assert offenders == {}


def commits(path: Path) -> list[int]:
    """Lines of a module that call `<anything>.commit()` (db.session.commit(), a connection's commit, ...)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    ]


@pytest.mark.parametrize("layer", ["blueprints", "cli", "tasks"])
def test_only_services_commit(layer):
    """The transaction rule (README, Layout): services commit; views, commands and jobs never do."""
    offenders = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if (lines := commits(path))
    }
    assert offenders == {}
