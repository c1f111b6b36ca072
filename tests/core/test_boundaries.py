"""Module boundaries (issue 13): who may import whom, and no import patched in at the bottom of a module."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "forum", "konsultasi")


def _imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@pytest.mark.parametrize("package", ["forum", "konsultasi"])
def test_forum_and_konsultasi_import_nothing_from_feedback(package):
    # Deadlines and holidays live in portal.workdays: feedback is one capability among others.
    offending = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imported_modules(path)
        if name == "portal.feedback" or name.startswith("portal.feedback.")
    )
    assert offending == []


def test_no_module_imports_after_its_code():
    # An import below the code (a blueprint importing its views at the bottom) patches a circular import.
    late = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            body = ast.parse(path.read_text(encoding="utf-8")).body
            seen_code = False
            for node in body:
                if isinstance(node, ast.Import | ast.ImportFrom):
                    if seen_code:
                        late.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                    seen_code = True
    assert late == []
