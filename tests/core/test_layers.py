"""The layers hold: `core` imports no domain app, and no app reaches into
another app's admin or views (they share services, selectors and `core`)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = {
    "accounts",
    "stores",
    "orders",
    "disputes",
    "reports",
    "notifications",
    "webhooks",
}
PRIVATE_MODULES = {"admin", "views"}


def imports_of(path: Path) -> list[str]:
    """Every module imported anywhere in the file (also inside functions)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def python_files(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def test_core_imports_no_domain_app():
    wrong = [
        (str(path.relative_to(ROOT)), name)
        for path in python_files("core")
        for name in imports_of(path)
        if name.split(".")[0] in DOMAIN_APPS
    ]
    assert wrong == []


@pytest.mark.parametrize("app", sorted(a for a in DOMAIN_APPS if (ROOT / a).exists()))
def test_no_app_imports_another_apps_admin_or_views(app):
    wrong = []
    for path in python_files(app):
        for name in imports_of(path):
            parts = name.split(".")
            other_app = parts[0] in DOMAIN_APPS and parts[0] != app
            if other_app and PRIVATE_MODULES & set(parts[1:]):
                wrong.append((str(path.relative_to(ROOT)), name))
    assert wrong == []
