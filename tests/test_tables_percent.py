"""A bare number is a fraction only below 1 (issue 14): in a CSV cell, on ``--set`` and in a
policy file alike, ``5`` is refused asking for ``5%`` or ``0.05`` instead of being read as
500 %. All three go through the same converter."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy import PolicyError, load_policy
from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
POLICY = (REPO / "policies" / "materials-order.yaml").read_text(encoding="utf-8")
HEADER = "站点,物料,上月实际票数,增长率,申请数量,超额理由\n"


def run(tmp_path: Path, growth: str, *args: str) -> tuple[int, str, str]:
    (tmp_path / "s.csv").write_text(HEADER + f"A站,面单,10000,{growth},,\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["run", "materials-order", str(tmp_path / "s.csv"), "--format", "csv", "--only", "orders", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("growth", ["5%", "0.05", "５％", "0.050"])
def test_five_percent_growth_gives_a_weekly_order_of_2800(tmp_path: Path, growth: str) -> None:
    # 10000 parcels × (1 + 5% growth + 7% loss) = 11200 a month; ÷ 4 = 2800 a week; ÷ 8 = 1400
    code, out, err = run(tmp_path, growth)
    assert (code, err) == (0, "")
    assert out.splitlines()[1].split(",")[4:7] == ["11200", "2800", "1400"]


@pytest.mark.parametrize(("growth", "expected"), [("5", "5% or the fraction 0.05"), ("1", "1% or the fraction 0.01")])
def test_a_bare_5_is_refused_not_read_as_500_percent(tmp_path: Path, growth: str, expected: str) -> None:
    # before: 10000 × (1 + 500% + 7%) = 60700 a month, a weekly order of 15175, exit 0
    code, out, err = run(tmp_path, growth)
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: {tmp_path / 's.csv'}:2:增长率: column 'growth': '{growth}' is not a percentage")
    assert expected in err


def test_zero_is_zero_percent(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "0")
    assert code == 0 and out.splitlines()[1].split(",")[3:6] == ["0%", "10700", "2675"]  # 10000 × 1.07 ÷ 4


@pytest.mark.parametrize(("value", "weekly"), [("8%", "3075"), ("0.08", "3075"), ("0", "2875")])
def test_set_accepts_a_percent_or_a_fraction(tmp_path: Path, value: str, weekly: str) -> None:
    # 10000 × (1 + 15% + 8%) ÷ 4 = 3075; with no loss 10000 × 1.15 ÷ 4 = 2875
    code, out, err = run(tmp_path, "15%", "--set", f"loss={value}")
    assert (code, err) == (0, "")
    assert out.splitlines()[1].split(",")[5] == weekly


def test_set_refuses_a_bare_7(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, "15%", "--set", "loss=7")
    assert (code, out) == (2, "")
    assert "--set loss=7: '7' is not a percentage" in err and "7% or the fraction 0.07" in err


def policy_with(tmp_path: Path, old: str, new: str) -> Path:
    assert POLICY.count(old) == 1, old
    path = tmp_path / "m.yaml"
    path.write_text(POLICY.replace(old, new), encoding="utf-8")
    return path


def line_of(path: Path, marker: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in line)


@pytest.mark.parametrize(
    ("old", "new", "marker"),
    [
        ("        value: 7%\n", "        value: 7\n", "value: 7"),  # a parameter's dated value
        ("    max: 100%\n", "    max: 2\n", "max: 2"),  # a percent parameter's bound
        ("        min: -100%\n", "        min: -1\n", "min: -1"),  # a percent column's bound
    ],
)
def test_a_bare_percent_of_1_or_more_in_a_policy_is_a_policy_error_with_its_line(
    tmp_path: Path, old: str, new: str, marker: str
) -> None:
    path = policy_with(tmp_path, old, new)
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value).startswith(f"{path}:{line_of(path, marker)}")
    assert "is not a percentage: a number without % must be a fraction below 1" in str(info.value)


@pytest.mark.parametrize("value", ["7%", "0.07"])
def test_policy_percent_values_as_percent_or_fraction(tmp_path: Path, value: str) -> None:
    policy = load_policy(policy_with(tmp_path, "        value: 7%\n", f"        value: {value}\n"))
    assert policy.parameters["loss"].values[0].value == load_policy("materials-order").parameters["loss"].values[0].value
