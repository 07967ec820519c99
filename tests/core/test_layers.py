"""The layers hold (docs/architecture.md): every import points down.

    core < accounts < stores < orders < disputes
         < notifications | webhooks | reports      (read the domain)
         < portal | workbench                      (the interfaces)
         < demo                                    (seeds everything)
         < config                                  (wires it together)

An app imports its own modules and apps of lower layers, never an app of its
own layer or above; imports inside functions count too. Type-only imports
(under `if TYPE_CHECKING:`) are allowed where the data model itself points
up (a refund names the case that moved it), and listed here.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    {"core"},
    {"accounts"},
    {"stores"},
    {"orders"},
    {"disputes"},
    {"notifications", "webhooks", "reports"},
    {"portal", "workbench"},
    {"demo"},
    {"config"},
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}
TYPE_ONLY_ALLOWED = {("orders/services.py", "disputes.models")}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for child in node.body:
                inside |= {id(n) for n in ast.walk(child)}
    return inside


def imports_of(path: Path, *, type_only: bool = False) -> list[str]:
    """Every module imported in the file (also inside functions); with
    `type_only`, just those under `if TYPE_CHECKING:`, else just the others."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_nodes(tree)
    names = []
    for node in ast.walk(tree):
        if (id(node) in typing_only) != type_only:
            continue
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def python_files(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def upward_imports(app: str) -> list[tuple[str, str]]:
    def up(name: str) -> bool:
        other = name.split(".")[0]
        return other in RANK and other != app and RANK[other] >= RANK[app]

    wrong = []
    for path in python_files(app):
        where = str(path.relative_to(ROOT))
        wrong += [(where, name) for name in imports_of(path) if up(name)]
        wrong += [
            (where, name)
            for name in imports_of(path, type_only=True)
            if up(name) and (where, name) not in TYPE_ONLY_ALLOWED
        ]
    return wrong


def test_every_project_app_has_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"config"}
    assert apps == set(RANK)


@pytest.mark.parametrize("app", sorted(RANK))
def test_imports_point_down(app):
    assert upward_imports(app) == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The test itself can fail: an import of a higher layer is reported."""
    fake = tmp_path / "orders"
    fake.mkdir()
    (fake / "bad.py").write_text("def f():\n    from disputes.models import Dispute\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert upward_imports("orders") == [("orders/bad.py", "disputes.models")]


@pytest.mark.parametrize("app", sorted(RANK))
def test_no_hidden_reach_by_name(app):
    """No `apps.get_model("…")` or `import_string("…")` to step round the layers."""
    wrong = []
    for path in python_files(app):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in {"get_model", "import_string"}:
                    wrong.append(str(path.relative_to(ROOT)))
    assert wrong == []
