"""Imports inside moviesx/ point one way: no module reaches itself again, not even through a function-level import."""

from __future__ import annotations

import ast
from pathlib import Path

import moviesx

ROOT = Path(moviesx.__file__).resolve().parent


def module_files() -> dict[str, Path]:
    files = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        files[".".join(parts[:-1] if path.name == "__init__.py" else parts)] = path
    return files


def imported_names(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
        return [base] + [f"{base}.{alias.name}" for alias in node.names]
    return []


def import_graph() -> dict[str, set[str]]:
    """Module -> the moviesx modules it imports anywhere in its body (a package's own ancestors excluded: importing a
    submodule runs its parents' __init__ first, which is no cycle)."""
    files = module_files()
    graph = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in imported_names(node, package):
                while target and target not in files:
                    target = target.rsplit(".", 1)[0] if "." in target else ""
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), except a package with its own submodules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            top = min(component)
            if len(component) > 1 and not all(member == top or member.startswith(top + ".") for member in component):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_check_sees_function_level_imports():
    graph = {"moviesx.services.a": {"moviesx.tasks.a"}, "moviesx.tasks.a": {"moviesx.services.a"}}
    assert cycles(graph) == [["moviesx.services.a", "moviesx.tasks.a"]]
    tree = ast.parse("def later():\n    from moviesx.tasks.accounts import send_reset_email\n")
    names = [name for node in ast.walk(tree) for name in imported_names(node, "moviesx.services")]
    assert names == ["moviesx.tasks.accounts", "moviesx.tasks.accounts.send_reset_email"]


def test_moviesx_has_no_import_cycle():
    assert cycles(import_graph()) == []
