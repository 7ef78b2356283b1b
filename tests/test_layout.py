"""The code's shape stays one that a newcomer can read: a short app.py that registers the
areas' blueprints, and no module under chalicelib/ that must be read whole to change one part
(docs/decisions/0010-routes-in-blueprints-the-store-by-aggregate.md)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).parent.parent
APP_LINES_AT_MOST = 300
MODULE_LINES_AT_MOST = 600


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_app_py_only_registers_the_areas():
    assert _lines(REPO / "app.py") <= APP_LINES_AT_MOST


def test_no_module_under_chalicelib_is_over_600_lines():
    too_long = {
        str(path.relative_to(REPO)): _lines(path)
        for path in (REPO / "chalicelib").rglob("*.py")
        if _lines(path) > MODULE_LINES_AT_MOST
    }
    assert too_long == {}


def test_every_route_is_declared_in_a_blueprint_and_none_in_app_py():
    tree = ast.parse((REPO / "app.py").read_text(encoding="utf-8"))
    decorators = [
        ast.unparse(decorator)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
    ]
    assert not [d for d in decorators if ".route(" in d or d.startswith("route(")]
