"""rewards-training (RULEBOOK §4 R-PN-5): the trainer whose trainee learns fastest gets 150,
the second 100, the third 50; everyone else 0.

Ties share a rank (competition ranking 1, 1, 3); what each tied trainer gets is the
``tie_rule`` parameter:
  higher (default): every tied trainer gets the amount of the shared rank;
  lower:            every tied trainer gets the amount of the last position the tie occupies;
  split:            the tied trainers share the amounts of the positions they occupy equally.
Expected awards are worked out by hand below; money is compared as exact Decimals.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy import RunSettings, UsageError, evaluate, load_policy
from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "penalties" / "trainers.csv"
D = Decimal


@pytest.fixture(scope="module")
def policy():
    return load_policy("rewards-training")


def awards(policy, days: list[str], **overrides: str) -> list[tuple[int, Decimal]]:
    rows = [{"trainer_id": f"T{i + 1:02d}", "trainee": f"新人{i + 1}", "days_to_qualify": d} for i, d in enumerate(days)]
    out = evaluate(policy, {"trainers": rows}, settings=RunSettings(overrides=overrides))["awards"]
    assert [r["trainer_id"] for r in out] == [r["trainer_id"] for r in rows]  # one row per input row, in order
    return [(r["rank"], r["award"]) for r in out]


def test_no_ties(policy):
    # fewest days first: 5 → 1st 150, 7 → 2nd 100, 9 → 3rd 50, 12 → 4th 0, 20 → 5th 0
    assert awards(policy, ["12", "5", "20", "9", "7"]) == [(4, D(0)), (1, D(150)), (5, D(0)), (3, D(50)), (2, D(100))]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # 9, 9, 12, 15 → ranks 1, 1, 3, 4; the tie occupies positions 1 and 2
        ("higher", [(1, "150"), (1, "150"), (3, "50"), (4, "0")]),  # both get rank 1's 150
        ("lower", [(1, "100"), (1, "100"), (3, "50"), (4, "0")]),  # both get position 2's 100
        ("split", [(1, "125"), (1, "125"), (3, "50"), (4, "0")]),  # (150 + 100) ÷ 2 = 125 each
    ],
)
def test_tie_for_first(policy, rule, expected):
    assert awards(policy, ["9", "9", "12", "15"], tie_rule=rule) == [(r, D(a)) for r, a in expected]


def test_default_tie_rule_is_higher(policy):
    # without --set: 1, 1, 3 → 150, 150, 50
    assert awards(policy, ["9", "9", "12"]) == [(1, D(150)), (1, D(150)), (3, D(50))]


@pytest.mark.parametrize(
    ("rule", "each"),
    [
        ("higher", "150"),  # all three share rank 1 → 150 each
        ("lower", "50"),  # the tie occupies positions 1–3; the last is the 3rd prize 50
        ("split", "100"),  # (150 + 100 + 50) ÷ 3 = 100
    ],
)
def test_three_way_tie_for_first(policy, rule, each):
    # 9, 9, 9, 15 → ranks 1, 1, 1, 4; the 4th gets 0
    assert awards(policy, ["9", "9", "9", "15"], tie_rule=rule) == [(1, D(each))] * 3 + [(4, D(0))]


@pytest.mark.parametrize(
    ("rule", "each"),
    [
        ("higher", "50"),  # rank 3 → 50 each
        ("lower", "0"),  # positions 3 and 4; position 4 has no prize → 0
        ("split", "25"),  # (50 + 0) ÷ 2 = 25
    ],
)
def test_tie_across_the_last_prize(policy, rule, each):
    # 5, 6, 9, 9, 20 → ranks 1, 2, 3, 3, 5
    assert awards(policy, ["5", "6", "9", "9", "20"], tie_rule=rule) == [
        (1, D(150)),
        (2, D(100)),
        (3, D(each)),
        (3, D(each)),
        (5, D(0)),
    ]


def test_split_rounds_to_cents(policy):
    # prizes 100, 100, 50 with a three-way tie: (100 + 100 + 50) ÷ 3 = 83.333… → 83.33 (half-up)
    got = awards(policy, ["9", "9", "9"], tie_rule="split", first_prize="100")
    assert got == [(1, D("83.33"))] * 3


def test_decimal_days_tie_exactly(policy):
    # 9.5 and 9.50 are the same number → tied for 1st; 9.51 is 3rd
    assert awards(policy, ["9.5", "9.50", "9.51"]) == [(1, D(150)), (1, D(150)), (3, D(50))]


def test_fourth_and_later_get_nothing(policy):
    got = awards(policy, [str(d) for d in range(1, 9)])
    # 1..8 days → ranks 1..8; prizes only for 1, 2, 3
    assert got == [(1, D(150)), (2, D(100)), (3, D(50))] + [(n, D(0)) for n in range(4, 9)]


def test_prize_override(policy):
    # --set first_prize=200: 200, 100, 50
    assert awards(policy, ["1", "2", "3"], first_prize="200") == [(1, D(200)), (2, D(100)), (3, D(50))]


def test_bogus_tie_rule_library(policy):
    with pytest.raises(UsageError, match="tie_rule"):
        awards(policy, ["1"], tie_rule="bogus")


def test_bogus_tie_rule_cli_exit_2():
    result = CliRunner().invoke(cli, ["run", "rewards-training", str(EXAMPLE), "--set", "tie_rule=bogus"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "tie_rule" in result.stderr and "bogus" in result.stderr
    for choice in ("higher", "lower", "split"):
        assert choice in result.stderr
    assert "Traceback" not in result.stderr


# examples/penalties/trainers.csv: T01 12, T02 9, T03 9, T04 15, T05 20 days
# ranks: T02, T03 tied 1st (9); T01 3rd (12); T04 4th; T05 5th
#  higher: 150, 150, 50; split: (150 + 100) ÷ 2 = 125 each, T01 50; lower: 100 each, T01 50
@pytest.mark.parametrize(
    ("rule", "tied", "third"),
    [(None, "150", "50"), ("higher", "150", "50"), ("split", "125", "50"), ("lower", "100", "50")],
)
def test_shipped_example_by_hand(rule, tied, third):
    args = ["run", "rewards-training", str(EXAMPLE), "--format", "csv", "--only", "awards"]
    if rule:
        args += ["--set", f"tie_rule={rule}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert [(r["trainer_id"], r["rank"], D(r["award"])) for r in rows] == [
        ("T01", "3", D(third)),
        ("T02", "1", D(tied)),
        ("T03", "1", D(tied)),
        ("T04", "4", D(0)),
        ("T05", "5", D(0)),
    ]
