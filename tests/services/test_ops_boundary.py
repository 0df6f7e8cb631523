"""services.ops holds code only the CLI needs: nothing on the request path may import it."""

from __future__ import annotations

import ast
from pathlib import Path

import moviesx

PACKAGE = Path(moviesx.__file__).parent
OPS = "moviesx.services.ops"
# Where importing the CLI-only code is allowed: the commands themselves and the package's own modules.
ALLOWED = (PACKAGE / "cli", PACKAGE / "services" / "ops")


def _imported_modules(path: Path) -> set[str]:
    """Every module an `import` or `from ... import` in the file names, function-level ones included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_request_path_module_imports_ops():
    offenders = {
        str(path.relative_to(PACKAGE.parent)): sorted(name for name in _imported_modules(path) if name.startswith(OPS))
        for path in sorted(PACKAGE.rglob("*.py"))
        if not any(path.is_relative_to(allowed) for allowed in ALLOWED)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_cli_reaches_every_ops_module():
    """Each ops module is used by a command (directly or through another ops module), so none is dead."""
    used: set[str] = set()
    for path in (*(PACKAGE / "cli").rglob("*.py"), *(PACKAGE / "services" / "ops").rglob("*.py")):
        used.update(_imported_modules(path))
    modules = {f"{OPS}.{path.stem}" for path in (PACKAGE / "services" / "ops").glob("*.py") if path.stem != "__init__"}
    assert modules - used == set()
