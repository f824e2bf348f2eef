"""Imports point one way (DESIGN.md §2): from the apps that know more to those that know less."""

import ast
import functools
from pathlib import Path

import pytest

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


# --- No circle inside an app ---------------------------------------------------------------------
# Inside an app, imports point one way too: tasks import services, services queue tasks by name
# (shop.background), so no module reaches itself again through the modules it imports. Every
# import counts, at module level or inside a function (a function-level import only hides a
# circle until the function runs), and so does a string naming one of our modules (what
# `import_module` registries, such as payments.services' re-exports, import lazily).


@functools.cache
def _parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _app_of_dotted(name: str) -> str:
    return "notifications" if name.startswith("crm.notifications") else name.split(".")[0]


def _our_modules() -> dict[str, tuple[Path, bool]]:
    """Every module of our apps: dotted name -> (file, is a package)."""
    modules = {}
    for app_dir in ("shop", "catalog", "payments", "orders", "crm", "complaints"):
        for path in (ROOT / app_dir).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def _imported_modules(name: str, path: Path, is_package: bool, modules: dict) -> set[str]:
    """The modules of ours that `name` imports anywhere in its file (relative ones resolved)."""
    package = name if is_package else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(_parsed(path)):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{node.module}" if node.module else anchor
            for alias in node.names:  # `from . import tasks` imports the module tasks
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in modules else base)
        elif isinstance(node, ast.Constant) and node.value in modules and "." in node.value:
            targets.add(node.value)
    found = set()
    for target in targets:
        while target and target not in modules:  # `a.b.function` -> the module a.b
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


@functools.cache
def _all_imports() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports, in any app."""
    modules = _our_modules()
    return {
        name: _imported_modules(name, path, is_package, modules)
        for name, (path, is_package) in modules.items()
    }


def _import_graph() -> dict[str, set[str]]:
    """Module -> the modules of the same app it imports."""
    return {
        name: {target for target in targets if _app_of_dotted(target) == _app_of_dotted(name)}
        for name, targets in _all_imports().items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each group of modules that reach each other (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    cycles = []
    for component in components:
        start = min(component)
        paths = {start: [start]}
        queue = [start]
        while queue:  # the shortest way from `start` back to itself, inside the component
            node = queue.pop(0)
            for target in sorted(graph[node] & component):
                if target == start:
                    cycles.append([*paths[node], start])
                    queue = []
                    break
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    queue.append(target)
    return cycles


def test_no_circle_of_imports_inside_an_app():
    circles = [" -> ".join(cycle) for cycle in _cycles(_import_graph())]
    assert circles == []


def test_the_cycle_finder_names_a_circle_hidden_in_a_function(tmp_path):
    graph = {
        "orders.services": {"orders.services.fulfilment"},
        "orders.services.fulfilment": {"orders.tasks"},
        "orders.tasks": {"orders.services"},
        "orders.models": set(),
    }
    assert _cycles(graph) == [
        ["orders.services", "orders.services.fulfilment", "orders.tasks", "orders.services"]
    ]
    modules = {"orders.tasks": None, "orders.services": None, "orders.services.fulfilment": None}
    source = "def store():\n    from ..tasks import apply_carrier_update\n"
    path = tmp_path / "fulfilment.py"
    path.write_text(source, encoding="utf-8")
    assert _imported_modules("orders.services.fulfilment", path, False, modules) == {"orders.tasks"}


def test_only_tasks_modules_import_a_tasks_module():
    """Services queue tasks by name (shop.background.enqueue_on_commit), never by import."""
    wrong = [
        f"{name} imports {target}"
        for name, targets in sorted(_all_imports().items())
        if name.rpartition(".")[2] != "tasks"
        for target in sorted(targets)
        if target.rpartition(".")[2] == "tasks"
    ]
    assert wrong == []


def _task_names_queued() -> list[tuple[str, str]]:
    """(where, name) for every task our code queues or schedules by name."""
    queued = []
    for name, (path, _is_package) in _our_modules().items():
        for node in ast.walk(_parsed(path)):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if called not in ("enqueue", "enqueue_on_commit", "task_named"):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                queued.append((where, first.value))
            elif name != "shop.background":  # the helper itself passes the name on
                queued.append((where, "<not a literal name: write the task's name out>"))
    return queued


def test_every_task_queued_by_name_is_a_registered_task():
    from shop.celery import PERIODIC_JOBS, app

    app.autodiscover_tasks(force=True)  # every app's tasks module, as a worker finds them
    named = _task_names_queued()
    named += [(f"shop/celery.py {job}", task) for job, (task, _s) in PERIODIC_JOBS.items()]
    assert len(named) > len(PERIODIC_JOBS), "the scan found no enqueue_on_commit call"
    unknown = [f"{where}: {task}" for where, task in named if task not in app.tasks]
    assert unknown == []


def test_a_task_name_no_task_registers_fails_where_it_is_queued_not_after_commit():
    """A typo raises in the service that queues it (inside its transaction), not at commit."""
    from celery.exceptions import NotRegistered

    from shop.background import enqueue, enqueue_on_commit

    with pytest.raises(NotRegistered):
        enqueue_on_commit("orders.apply_carier_update", 1)
    with pytest.raises(NotRegistered):
        enqueue("notifications.deliver_mesage", 1)
