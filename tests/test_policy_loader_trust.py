"""The policy loader's part of issue 14, in detail: what is refused and where, what is
normalised and how. The catalogue (``bad_cases/loader.py``) runs each class through the CLI;
these tests pin the rules and the figures behind them. Expected figures are worked out by
hand in the comments.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy import DataError, PolicyError, RunSettings, UsageError, evaluate, load_policy
from cspolicy.blocks import Action, Ladder, LadderCounter, Offence, Rung, Window
from cspolicy.cli.main import cli
from cspolicy.expressions import Symbol, compile_expression
from cspolicy.expressions.lexer import one_line
from cspolicy.schema.yamlsource import MAX_DEPTH, MAX_NODES, parse_yaml
from cspolicy.values import ColumnType, Kind

REPO = Path(__file__).resolve().parent.parent
BASE = (REPO / "policies" / "materials-order.yaml").read_text(encoding="utf-8")
MONTHLY = "        expr: parcels × (1 + growth + loss)\n"
ROW = {"station": "A站", "material": "面单", "parcels": "10000", "growth": "15%"}
D = Decimal


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "p.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return load_policy(path)


def refused(tmp_path: Path, text: str) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        load(tmp_path, text)
    return info.value


# --- characters -------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe"])
def test_control_characters_are_refused_at_their_line_and_column(char: str) -> None:
    with pytest.raises(PolicyError, match=rf"^p\.yaml:2:6: a control character U\+{ord(char):04X} is not allowed"):
        parse_yaml(f"a: 1\nb: xy{char}z\n", "p.yaml")


def test_tab_and_line_breaks_are_text() -> None:
    assert parse_yaml("a: 'x\ty'\r\nb: |\n  one\n  two\n", "p.yaml").data == {"a": "x\ty", "b": "one\ntwo\n"}


@pytest.mark.parametrize("escape", ["\\x00", "\\a", "\\e", "\\x7f", "\\ud800", "\\udfff"])
def test_escapes_of_control_characters_and_surrogates_are_refused(escape: str) -> None:
    with pytest.raises(PolicyError, match=r"^p\.yaml:3: .* \(written as the escape"):
        parse_yaml(f'a: 1\nb: 2\nc: "x{escape}y"\n', "p.yaml")


def test_a_lone_surrogate_in_text_given_to_the_library_is_refused() -> None:
    with pytest.raises(PolicyError, match=r"^p\.yaml:1:4: a lone surrogate U\+D800"):
        parse_yaml("a: \ud800\n", "p.yaml")


# --- aliases and nesting ----------------------------------------------------------------------


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(PolicyError, match=r"^p\.yaml:2: an alias \(\*\) refers to the mapping or list that contains it"):
        parse_yaml("a: 1\nb: &b {c: [*b]}\n", "p.yaml")


def test_nesting_is_bounded_while_composing() -> None:
    ok = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert parse_yaml(ok, "p.yaml").data["x"] is not None  # 31 levels below the root mapping
    deep = "x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    with pytest.raises(PolicyError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_yaml(deep, "p.yaml")
    with pytest.raises(PolicyError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_yaml("x: " + "[" * 100_000 + "\n", "p.yaml")  # far past Python's recursion limit


def test_aliases_cannot_stack_nesting_past_the_limit() -> None:
    # each alias copies a 20-deep list one level deeper: 20 aliases would nest 420 levels
    lines = ["a0: &a0 " + "[" * 20 + "]" * 20]
    lines += [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 20)]
    with pytest.raises(PolicyError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_yaml("\n".join(lines) + "\n", "p.yaml")


def test_alias_expansion_is_bounded() -> None:
    # 11 aliases: a 1,000-item list doubled 10 times is 1,024,000 values (from 4 KB)
    lines = ["x0: &x0 [" + ", ".join(["a"] * 1000) + "]"]
    lines += [f"x{i}: &x{i} [*x{i - 1}, *x{i - 1}]" for i in range(1, 11)]
    with pytest.raises(PolicyError, match=f"more than {MAX_NODES} values once its aliases"):
        parse_yaml("\n".join(lines) + "\n", "p.yaml")
    # the same within the limit is fine: 1,000 + 2 × 1,000 + 4 × 1,000 items
    doc = parse_yaml("\n".join(lines[:3]) + "\n", "p.yaml")
    assert len(doc.data["x2"]) == 2 and len(doc.data["x2"][0]) == 2 and len(doc.data["x2"][0][0]) == 1000


# --- values of the wrong type -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("        value: 7%", "        value: true", "parameter 'loss': true is not a percentage"),
        ("        value: 7%", "        value: false", "parameter 'loss': false is not a percentage"),
        ("    max: 100%\n", "    max: true\n", "loss.max: true is not a percentage"),
        ("      reason:\n        type: text\n", "      reason:\n        type: text\n        default: false\n", "not text"),
        (
            "        required: false\n        min: 0\n",
            "        required: false\n        min: 0\n        default: true\n",
            "whole",
        ),
        ("        required: false\n        min: 0\n", "        required: 'no'\n        min: 0\n", "true or false"),
        (
            "        label: {zh: 一周申请数量, en: weekly order}\n",
            "        label: {zh: 一周申请数量, en: weekly order}\n        hidden: 0\n",
            "true or false",
        ),
        (MONTHLY, MONTHLY + "        round: {places: false}\n", "places: false is not a whole number"),
    ],
)
def test_true_and_false_are_never_numbers_or_text(tmp_path, old, new, message) -> None:
    assert message in str(refused(tmp_path, edit(old, new)))


def test_true_is_the_value_of_a_boolean_parameter(tmp_path) -> None:
    text = edit(
        "inputs:\n",
        "  strict:\n    type: boolean\n    description: d\n    source: s\n    values: [{from: 2020-01-01, value: true}]\n\ninputs:\n",
    )
    assert load(tmp_path, text).parameters["strict"].values[0].value is True


def test_min_and_max_only_on_numbers_and_in_order(tmp_path) -> None:
    text = edit("      reason:\n        type: text\n", "      reason:\n        type: text\n        max: z\n")
    assert "'max' applies only to numbers, not to type text" in str(refused(tmp_path, text))
    text = edit("        min: -100%\n        max: 1000%\n", "        min: 10%\n        max: 5%\n")
    assert "growth: min 10% is above max 5%" in str(refused(tmp_path, text))


# --- comments in formulas ---------------------------------------------------------------------


@pytest.mark.parametrize("marker", [">-", ">", "|", "|-"])
def test_a_comment_ends_at_its_line(tmp_path, marker) -> None:
    text = edit(MONTHLY, f"        expr: {marker}\n          parcels  # base\n          + 100    # bonus\n")
    out = evaluate(load(tmp_path, text), {"stations": [ROW]})["orders"][0]
    assert out["monthly_qty"] == D(10100)  # 10000 + 100, not 10000


def test_the_issue_example_through_the_cli(tmp_path) -> None:
    (tmp_path / "p.yaml").write_text(edit(MONTHLY, "        expr: >-\n          parcels # base\n          + 100\n"), "utf-8")
    (tmp_path / "s.csv").write_text("站点,物料,上月实际票数,增长率\nA站,面单,10000,15%\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["run", str(tmp_path / "p.yaml"), str(tmp_path / "s.csv"), "--only", "orders", "--format", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("A站,面单,10000,15%,10100,")


def test_a_hash_in_a_string_is_not_a_comment() -> None:
    e = compile_expression("'#1' if x > 0 else 'other'  # which", {"x": Symbol("x", Kind.NUMBER)})
    assert e.evaluate({"x": D(1)}) == "#1"
    assert one_line("'#1' if x > 0  # c\n  else 'b'") == "'#1' if x > 0 else 'b'"


def test_a_commented_bare_reference_keeps_its_type(tmp_path) -> None:
    text = edit("      growth: growth\n", "      growth: |\n        growth  # this month's growth\n")
    column = load(tmp_path, text).outputs["orders"].columns[3]
    assert (column.name, column.ctype, column.rounding) == ("growth", ColumnType.PERCENT, None)
    assert column.expression is not None and column.expression.text == "growth"


def test_a_comment_in_a_formula_in_quotes_over_lines_is_refused(tmp_path) -> None:
    text = edit(MONTHLY, "        expr: 'parcels # base\n          + 100'\n")
    assert "a # comment in a formula written over several lines" in str(refused(tmp_path, text))
    # a one-line formula in quotes may end with a comment
    one = edit(MONTHLY, "        expr: 'parcels + 100 # bonus'\n")
    assert evaluate(load(tmp_path, one), {"stations": [ROW]})["orders"][0]["monthly_qty"] == D(10100)


# --- constraints ------------------------------------------------------------------------------


CONSTRAINT = "constraints:\n  - require: loss / safety < 1\n    message: loss must stay below safety\ninputs:\n"


def test_a_constraint_that_divides_by_zero_with_set_is_a_usage_error(tmp_path) -> None:
    policy = load(tmp_path, edit("inputs:\n", CONSTRAINT))  # 7% / 50% = 0.14 < 1 holds
    with pytest.raises(PolicyError, match=r"constraint loss / safety < 1: division by zero with these parameter values"):
        evaluate(policy, {"stations": [ROW]}, settings=RunSettings(overrides={"safety": "0%"}))
    with pytest.raises(UsageError, match=r"loss must stay below safety \(loss=7%, safety=5%\); expected"):
        evaluate(policy, {"stations": [ROW]}, settings=RunSettings(overrides={"safety": "5%"}))  # 1.4


# --- aggregates -------------------------------------------------------------------------------


COUNT = "      stations:\n        agg: count\n"


def test_an_aggregate_takes_the_kind_of_what_it_aggregates(tmp_path) -> None:
    extra = (
        "      first_station:\n        agg: first\n        of: station\n"
        "      month:\n        agg: last\n        of: month(as_of)\n"
        "      best:\n        agg: max_by\n        of: growth\n        by: parcels\n"
        "      any_request:\n        agg: any\n        of: present(requested)\n"
    )
    policy = load(tmp_path, edit(COUNT, COUNT + extra))
    types = {c.name: c.ctype for c in policy.outputs["materials"].columns}
    assert types["first_station"] is ColumnType.TEXT and types["month"] is ColumnType.TEXT
    assert types["best"] is ColumnType.PERCENT and types["any_request"] is ColumnType.BOOLEAN
    rows = [ROW, {**ROW, "station": "B站", "parcels": "20000", "growth": "5%"}]
    out = evaluate(policy, {"stations": rows}, settings=RunSettings(as_of=dt.date(2024, 3, 9)))["materials"][0]
    # first station A站; month of 2024-03-09; B站 has most parcels, its growth 5%; no requests
    assert (out["first_station"], out["month"], out["best"], out["any_request"]) == ("A站", "2024-03", D("0.05"), False)


# --- ladders and ranking ----------------------------------------------------------------------


def test_a_rolling_window_may_reach_before_year_one() -> None:
    late = Offence("L", "迟到", "late", Ladder((Rung((Action("warning"),)),), Window("rolling", 30)))
    counter = LadderCounter()
    days = [dt.date(1, 1, 5), dt.date(1, 1, 20), dt.date(1, 2, 10)]
    # day 5 → 1; day 20 → 2 (day 5 is within 30 days); day 41 → 2 (day 5 is 36 days back)
    assert [counter.step(("ann",), late, d) for d in days] == [1, 2, 2]
    forever = Offence("F", "迟到", "late", Ladder((Rung((Action("warning"),)),), Window("rolling", 10**12)))
    assert [counter.step(("bob",), forever, d) for d in (dt.date(1, 1, 1), dt.date(9999, 12, 31))] == [1, 2]


def test_a_rank_key_that_is_blank_names_the_row(tmp_path) -> None:
    text = (REPO / "policies" / "rewards-training.yaml").read_text(encoding="utf-8")
    text = edit("        min: 0\n", "        min: 0\n        required: false\n", text)
    rows = [{"trainer_id": "T1", "trainee": "甲", "days_to_qualify": "9"}, {"trainer_id": "T2", "trainee": "乙"}]
    with pytest.raises(DataError) as info:
        evaluate(load(tmp_path, text), {"trainers": rows})
    assert ":3:days_to_qualify: rank by 'days_to_qualify': the value is blank" in str(info.value)


def test_a_rolling_window_before_year_one_through_the_cli(tmp_path) -> None:
    club = (REPO / "policies" / "penalties-club.yaml").read_text(encoding="utf-8")
    ladder = "        ladder: [warning, {fine: 20}, {fine: 50}]\n"
    (tmp_path / "p.yaml").write_text(edit(ladder, "        window: rolling 30 days\n" + ladder, club), "utf-8")
    (tmp_path / "o.csv").write_text("工号,日期,违规\nE1,0001-01-05,G1\nE1,0001-01-09,G1\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["run", str(tmp_path / "p.yaml"), str(tmp_path / "o.csv"), "--only", "sanctions", "--format", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    # the second G1 within 30 days is its second occurrence: a fine of 20
    assert [line.split(",")[4:7] for line in result.stdout.splitlines()[1:]] == [["1", "warning", "0.00"], ["2", "fine", "20.00"]]
