"""The package's layout stays what docs/architecture.md describes: folders are stages, a
stage imports only the stages below it, no two modules import each other (directly or
around a loop, counting imports inside functions), and no two modules share a name.

Imports under ``if TYPE_CHECKING:`` are annotations, not dependencies, and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

CSPOLICY = Path(__file__).resolve().parent.parent / "cspolicy"

#: Lower number = lower stage; a module may import only modules of its own stage or below.
LEAVES = {"version", "errors", "money", "periods", "values", "text", "i18n", "notes", "messages", "messages_zh", "generated"}
FOUNDATION = {"dates", "schema", "expressions", "tables", "blocks", "workdays"}
STAGES = {"planner": 2, "explain": 3, "engine": 4, "authoring": 5, "cli": 5, "__main__": 6}


def _modules() -> dict[str, Path]:
    found = {}
    for path in CSPOLICY.rglob("*.py"):
        parts = ("cspolicy", *path.relative_to(CSPOLICY).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 9  # the package itself: its public names come from every stage
    top = parts[1]
    if top in LEAVES:
        return 0
    if top in FOUNDATION:
        return 1
    return STAGES.get(top, -1)  # unknown: see test_every_module_belongs_to_a_stage


def test_every_module_belongs_to_a_stage():
    """A new top-level module goes into a stage's folder (docs/architecture.md says which), or,
    if every stage may use it and it imports only other leaves, into LEAVES above."""
    assert sorted(m for m in _modules() if _stage(m) < 0) == []


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The cspolicy modules ``module`` imports when it runs (at module level or in a function)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()

    def add(name: str) -> None:
        while name not in known and "." in name:
            name = name.rpartition(".")[0]
        if name.startswith("cspolicy") and name != module:
            out.add(name)

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if _is_type_checking(node):
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                for alias in node.names:
                    add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    visit(
                        [n for n in inner if isinstance(n, ast.stmt)]
                        + [s for h in inner if isinstance(h, ast.ExceptHandler) for s in h.body]
                    )

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return out


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {m: _imports(m, p, known) for m, p in known.items()}


def test_no_import_cycles_even_through_imports_inside_functions():
    graph = _graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                cycles.append([*path[path.index(d) :], d])
            elif d not in state:
                visit(d, [*path, d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_each_stage_imports_only_the_stages_below_it():
    upward = sorted(
        f"{m} -> {d}"
        for m, deps in _graph().items()
        for d in deps
        if _stage(d) > _stage(m) and not (d == "cspolicy" and _stage(m) == STAGES["cli"])  # the cli shows __version__
    )
    assert upward == []


def test_no_two_modules_share_a_name():
    names: dict[str, list[str]] = {}
    for module in _modules():
        if module.count(".") >= 1 and not (CSPOLICY / "/".join(module.split(".")[1:]) / "__init__.py").exists():
            names.setdefault(module.rpartition(".")[2], []).append(module)
    assert {n: ms for n, ms in names.items() if len(ms) > 1} == {}


def test_the_checker_sees_imports_inside_functions_and_skips_type_checking(tmp_path):
    """The checker itself: an import in a function counts, one under TYPE_CHECKING does not."""
    source = tmp_path / "x.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from cspolicy.cli.main import cli\n"
        "def f():\n    from cspolicy.engine.run import evaluate\n",
        encoding="utf-8",
    )
    assert _imports("cspolicy.x", source, _modules()) == {"cspolicy.engine.run"}
