"""A queryset's `.update()` sends no signal, so no signal bumps the page-cache versions for it:
every catalog function that updates rows bumps them itself (directly or through a function it
calls), or says here why no page can show what it writes."""

import ast
from pathlib import Path

CATALOG = Path(__file__).resolve().parents[2] / "catalog"

# (module, function) -> why its update needs no bump. Keep it short and true.
NO_BUMP_NEEDED = {
    ("services.py", "search_miss_record"): "search-miss counts show on no shop page",
    ("thumbnails.py", "_store_rendition"): "a rendition is made from the image file alone",
    ("thumbnails.py", "product_refresh_card_image"): "its caller bumps (invalidation)",
    ("questions/services.py", "question_confirm"): "a question shows only once staff publish it",
    ("questions/services.py", "_set_question_status"): "its callers bump (moderate, answer)",
}


def _called_names(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def _updates_rows(node: ast.AST) -> bool:
    """A call of `.update(field=…)`: a queryset's (a dict's update takes a mapping)."""
    return any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "update"
        and call.keywords
        and not call.args
        for call in ast.walk(node)
    )


def unbumped_updates(sources: dict[str, str]) -> set[tuple[str, str]]:
    """(module, function) of every function that updates rows and never reaches a `bump`."""
    functions: dict[tuple[str, str], ast.AST] = {}
    for module, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions[(module, node.name)] = node
    calls = {key: _called_names(node) for key, node in functions.items()}
    bumping = {key for key, names in calls.items() if "bump" in names}
    while True:  # a function that calls one that bumps bumps too
        names = {name for _module, name in bumping}
        more = {key for key, called in calls.items() if called & names} - bumping
        if not more:
            break
        bumping |= more
    return {key for key, node in functions.items() if _updates_rows(node)} - bumping


def _catalog_sources() -> dict[str, str]:
    return {
        str(path.relative_to(CATALOG)): path.read_text()
        for path in CATALOG.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_every_catalog_update_bumps_the_versions_or_says_why_not():
    found = unbumped_updates(_catalog_sources())
    assert found - set(NO_BUMP_NEEDED) == set(), "update() without a pagecache.bump"


def test_the_reasons_above_are_about_functions_that_still_update_without_a_bump():
    assert set(NO_BUMP_NEEDED) <= unbumped_updates(_catalog_sources())


def test_the_check_finds_an_update_without_a_bump_and_follows_helpers_that_bump():
    sources = {
        "services.py": (
            "def rename(*, pk, name):\n"
            "    Product.objects.filter(pk=pk).update(name=name)\n"
            "def reprice(*, pk, price):\n"
            "    Product.objects.filter(pk=pk).update(min_price=price)\n"
            "    _changed()\n"
            "def _changed():\n"
            "    pagecache.bump(pagecache.CATALOG)\n"
            "def merge(into, more):\n"
            "    into.update(more)\n"
        )
    }
    assert unbumped_updates(sources) == {("services.py", "rename")}
