"""Imports point one way (DESIGN.md §2): from the apps that know more to those that know less."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What each app may import from our code, besides itself.
ALLOWED = {
    "shop": set(),
    "notifications": {"shop"},  # crm/notifications: the outbox every app sends through
    "catalog": {"shop", "notifications"},
    "payments": {"shop", "notifications"},
    "orders": {"shop", "notifications", "catalog", "payments"},
    "crm": {"shop", "notifications", "catalog", "payments", "orders"},
    "complaints": {"shop", "notifications", "catalog", "payments", "orders", "crm"},
}


def _app_of_module(name: str) -> str | None:
    if name.startswith("crm.notifications"):
        return "notifications"
    top = name.split(".")[0]
    return top if top in ALLOWED else None


def _app_of_file(path: Path) -> str:
    relative = path.relative_to(ROOT).as_posix()
    return "notifications" if relative.startswith("crm/notifications/") else relative.split("/")[0]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_app_imports_one_above_it():
    wrong = []
    for app_dir in ("shop", "catalog", "payments", "orders", "crm", "complaints"):
        for path in (ROOT / app_dir).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            app = _app_of_file(path)
            for name in _imports(path):
                target = _app_of_module(name)
                if target and target != app and target not in ALLOWED[app]:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
                if name.startswith("tests"):
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []
