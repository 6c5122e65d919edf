"""A large valid policy compiles in time linear in its size (issue 14, section 5).

A 1 MB policy of 2,300 columns, each formula using the column before, took 42 s: the
code generator rendered every sub-tree of a formula again to look for parts an earlier
column had computed (size × depth per formula), and each column's symbols were copied from
all the earlier ones (columns²). These tests count operations instead of timing them, so
they cannot flake on a slow machine: the formula nodes rendered while compiling must grow
like the policy, not like its square.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import evaluate, load_policy
from cspolicy.expressions import nodes

REPO = Path(__file__).resolve().parent.parent
HEAD = (REPO / "policies" / "materials-order.yaml").read_text(encoding="utf-8").split("outputs:\n")[0]


def chain_policy(columns: int, terms: int) -> str:
    """A policy whose column i adds ``terms`` products to column i - 1."""
    body = " + ".join(["parcels × growth + loss"] * terms)
    lines = ["      c0: parcels × (1 + growth + loss)\n"]
    lines += [f"      c{i}: c{i - 1} + {body}\n" for i in range(1, columns)]
    return HEAD + "outputs:\n  orders:\n    from: stations\n    columns:\n" + "".join(lines)


def size(tree: nodes.Node) -> int:
    return 1 + sum(size(child) for child in nodes.children(tree))


def renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, columns: int, terms: int) -> tuple[int, int]:
    """(formula nodes rendered while loading and running the chain policy, nodes in it)."""
    path = tmp_path / f"chain-{columns}-{terms}.yaml"
    path.write_text(chain_policy(columns, terms), encoding="utf-8")
    calls = 0
    real = nodes.render

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(nodes, "render", counting)  # render recurses through this name
    policy = load_policy(path)
    row = {"station": "A站", "material": "面单", "parcels": "10", "growth": "15%"}
    out = evaluate(policy, {"stations": [row]})["orders"][0]
    monkeypatch.undo()
    # c0 = 10 × (1 + 15% + 7%) = 12.2; each later column adds terms × (10 × 15% + 7%) =
    # terms × 1.57 (decimals, rounded to 0.01 each time, which changes nothing here)
    assert out[f"c{columns - 1}"] == Decimal("12.2") + (columns - 1) * terms * Decimal("1.57")
    total = sum(size(c.expression.tree) for c in policy.outputs["orders"].columns if c.expression is not None)
    return calls, total


def test_each_formula_node_is_rendered_a_few_times(monkeypatch, tmp_path) -> None:
    calls, total = renders(monkeypatch, tmp_path, columns=40, terms=18)
    # the python code of a formula, and the two passes of looking for reusable parts: about
    # 3 renderings per node (it was one per node per level above it: ~20 here)
    assert calls <= 4 * total, (calls, total)


@pytest.mark.parametrize(("columns", "terms"), [(80, 8), (40, 16)])
def test_compile_work_grows_linearly(monkeypatch, tmp_path, columns, terms) -> None:
    base_calls, base_total = renders(monkeypatch, tmp_path, 40, 8)
    calls, total = renders(monkeypatch, tmp_path, columns, terms)
    assert total == pytest.approx(2 * base_total, rel=0.05)
    assert calls <= 2.2 * base_calls, (calls, base_calls)


class _NoIteration(dict):  # type: ignore[type-arg]
    """Symbols that fail a test if anything walks all of them."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        raise AssertionError("the checker walked every symbol")

    def keys(self):  # type: ignore[no-untyped-def]
        raise AssertionError("the checker walked every symbol")


def test_checking_a_formula_does_not_walk_every_symbol() -> None:
    # a formula's check costs its own size, not the policy's number of columns
    from cspolicy.expressions import Symbol, compile_expression
    from cspolicy.values import Kind

    symbols = _NoIteration({f"c{i}": Symbol(f"c{i}", Kind.NUMBER) for i in range(5000)})
    e = compile_expression("c4998 + c4999 × 2", symbols)
    assert e.evaluate({"c4998": Decimal(1), "c4999": Decimal(3)}) == Decimal(7)
