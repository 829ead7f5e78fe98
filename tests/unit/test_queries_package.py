"""planner.queries loads each module when one of its names is first asked for (issue 10)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import planner.queries as queries

PACKAGE = Path(queries.__file__)


def _type_checking_imports() -> dict[str, list[str]]:
    """module -> names, from the ``if TYPE_CHECKING:`` block of the package."""
    tree = ast.parse(PACKAGE.read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If))
    found: dict[str, list[str]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module is not None
        found.setdefault(node.module.rsplit(".", 1)[1], []).extend(
            alias.asname or alias.name for alias in node.names
        )
    return found


def test_the_lazy_table_and_the_type_checkers_imports_agree() -> None:
    expected = {module: sorted(names) for module, names in _type_checking_imports().items()}
    table = {module: sorted(names) for module, names in queries._EXPORTS.items()}
    assert table == expected


def test_every_name_is_the_object_of_its_module() -> None:
    for module, names in queries._EXPORTS.items():
        source = importlib.import_module(f"planner.queries.{module}")
        for name in names:
            assert getattr(queries, name) is getattr(source, name), name
    assert set(queries.__all__) <= set(queries._SOURCE)


def test_a_function_keeps_its_name_when_its_module_of_the_same_name_loads() -> None:
    importlib.import_module("planner.queries.channels")
    importlib.import_module("planner.queries.targets")

    assert callable(queries.targets) and queries.targets.__module__ == "planner.queries.targets"
    assert queries.channels is sys.modules["planner.queries.channels"].channels


def test_unknown_names_raise_attribute_error_and_submodules_still_import() -> None:
    try:
        queries.no_such_query  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "no_such_query" in str(exc)
    else:
        raise AssertionError("expected AttributeError")
    from planner.queries import dashboard

    assert dashboard.__name__ == "planner.queries.dashboard"


def test_importing_one_module_loads_only_what_it_needs() -> None:
    code = (
        "import sys; import planner.queries.profile; "
        "print(sorted(m for m in sys.modules if m.startswith('planner.queries')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['planner.queries', 'planner.queries.profile']"
