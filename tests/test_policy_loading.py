"""load_policy: finding policies, what a loaded policy holds, and PolicyError placement.

The CLI side of broken policies is in test_bad_inputs.py; here the library API is checked:
the exception class, its ``file`` and ``line`` attributes, and how YAML scalars are read.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import CspolicyError, DataError, PolicyError, UsageError, evaluate, load_policy
from cspolicy.values import ColumnType

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "policies" / "materials-order.yaml"
BASE = SOURCE.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str | bytes, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def edit(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


# --- finding policies -------------------------------------------------------------------


def test_shipped_name_path_and_pathlike_load_the_same_policy(tmp_path, monkeypatch):
    by_name = load_policy("materials-order")
    by_str = load_policy(str(SOURCE))
    by_path = load_policy(SOURCE)
    assert by_name.name == by_str.name == by_path.name == "materials-order"
    assert by_name.file == "materials-order.yaml"
    assert by_str.file == str(SOURCE)
    monkeypatch.chdir(tmp_path)  # shipped names do not depend on the working directory
    assert load_policy("materials-order").name == "materials-order"


def test_unknown_name_is_a_usage_error_with_a_suggestion():
    with pytest.raises(UsageError, match="did you mean 'materials-order'") as info:
        load_policy("materials-ordr")
    assert info.value.exit_code == 2


def test_error_classes_and_exit_codes():
    assert issubclass(UsageError, PolicyError) and issubclass(PolicyError, CspolicyError)
    assert issubclass(DataError, CspolicyError) and not issubclass(DataError, PolicyError)
    assert (PolicyError.exit_code, UsageError.exit_code, DataError.exit_code) == (2, 2, 1)
    assert str(PolicyError("boom", file="a.yaml", line=3, expected="x")) == "a.yaml:3: boom; expected x"
    assert str(DataError("bad", file="s.csv", row=4, column="票数")) == "s.csv:4:票数: bad"


# --- what a loaded policy holds -----------------------------------------------------------


def test_materials_order_structure():
    p = load_policy("materials-order")
    assert list(p.rules) == ["R-MT-1", "R-MT-2", "R-MT-3"]
    assert p.title == "物料申请（周订单） / Weekly material order"
    loss = p.parameters["loss"]
    assert loss.type is ColumnType.PERCENT and loss.rule == "R-MT-1"
    assert [(str(v.since), v.value) for v in loss.values] == [("2020-01-01", Decimal("0.07"))]
    assert [(str(v.since), v.value) for v in p.parameters["safety"].values] == [("2020-01-01", Decimal("0.5"))]
    assert list(p.inputs) == ["stations"]
    columns = {c.name: c for c in p.inputs["stations"].columns}
    assert list(columns) == ["station", "material", "parcels", "growth", "requested", "reason"]
    assert {"票数", "上月实际票数"} <= set(columns["parcels"].headers)
    assert [c for c, col in columns.items() if not col.required] == ["requested", "reason"]
    assert list(p.outputs) == ["orders", "materials"]


def test_yaml_plain_scalars_are_exact_decimals(tmp_path):
    # `value: 0.07` is read as the text "0.07" and then as Decimal("0.07"), never as a float:
    # 1200 × (1 + 6% + 0.07) ÷ 4 = 1356 ÷ 4 = 339 exactly; with floats it would be 340.
    assert math.ceil(1200 * (1 + 0.06 + 0.07) / 4) == 340
    policy = load_policy(write(tmp_path, edit("        value: 7%\n", "        value: 0.07\n")))
    assert policy.parameters["loss"].values[0].value == Decimal("0.07")
    (row,) = evaluate(policy, {"stations": [{"station": "C", "material": "m", "parcels": "1200", "growth": "6%"}]})["orders"]
    assert row["weekly_qty"] == Decimal(339)


def test_quoted_value_and_bom_are_fine(tmp_path):
    quoted = load_policy(write(tmp_path, edit("        value: 7%\n", "        value: '7%'\n"), "q.yaml"))
    assert quoted.parameters["loss"].values[0].value == Decimal("0.07")
    bom = load_policy(write(tmp_path, b"\xef\xbb\xbf" + BASE.encode("utf-8"), "bom.yaml"))
    assert bom.name == "materials-order"


def test_loading_twice_gives_equal_results():
    rows = {"stations": [{"station": "A", "material": "m", "parcels": "10001", "growth": "15%"}]}
    first, second = load_policy("materials-order"), load_policy("materials-order")
    assert evaluate(first, rows).tables == evaluate(second, rows).tables


# --- PolicyError placement ----------------------------------------------------------------

BROKEN = [
    # (id, text, marker on the expected line or None, message fragment)
    (
        "duplicate-key",
        edit("family: materials\n", "family: materials\nfamily: other\n"),
        "family: other",
        "duplicate key 'family' (first at line 7)",
    ),
    (
        "unknown-key",
        edit("    group_by: [material]\n", "    group: [material]\n"),
        "group: [material]",
        "unknown key 'group'; did you mean 'group_by'?",
    ),
    (
        "unknown-parameter-key",
        edit("    label: {zh: 物料损耗率, en: loss allowance}\n", "    labels: {zh: 物料损耗率, en: loss allowance}\n"),
        "labels:",
        "did you mean 'label'",
    ),
    (
        "bad-from-date",
        edit("      - from: 2020-01-01\n        value: 50%", "      - from: 2020-02-30\n        value: 50%"),
        "from: 2020-02-30",
        "'2020-02-30' is not a date",
    ),
    (
        "duplicate-dated-value",
        edit(
            "      - from: 2020-01-01\n        value: 7%\n",
            "      - from: 2020-01-01\n        value: 7%\n      - from: 2020-01-01\n        value: 8%\n",
        ),
        None,
        "two values from 2020-01-01",
    ),
    ("bad-name", edit("name: materials-order\n", "name: Materials Order\n"), "name: Materials Order", "name"),
    ("missing-name", edit("name: materials-order\n", ""), None, "missing key 'name'"),
    (
        "python-tag",
        edit("family: materials\n", 'family: !!python/object/apply:os.system ["touch pwned"]\n'),
        "family: !!python",
        "family",
    ),
    ("merge-key", "base: &b {x: 1}\n" + edit("family: materials\n", "family: materials\n<<: *b\n"), "<<: *b", "merge keys"),
    ("empty", "", None, "the file is empty"),
    ("not-a-mapping", "- a\n- b\n", None, "must be a mapping"),
    ("input-column-range", edit("        min: 0\n      growth:", "        min: zero\n      growth:"), "min: zero", "zero"),
    (
        "output-unknown-column",
        edit(
            "      weekly_qty:\n        agg: sum\n        of: approved_qty",
            "      weekly_qty:\n        agg: sum\n        of: approved",
        ),
        "of: approved",
        "approved",
    ),
]


@pytest.mark.parametrize(("text", "marker", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_policy_errors_name_file_and_line(tmp_path, monkeypatch, text, marker, message):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, text, "broken.yaml")
    with pytest.raises(PolicyError) as info:
        load_policy("broken.yaml")
    err = info.value
    assert not isinstance(err, UsageError)
    assert err.file == "broken.yaml"
    assert message in str(err)
    assert str(err).startswith("broken.yaml")
    if marker is not None:
        assert err.line == line_of(text, marker), str(err)
        assert str(err).startswith(f"broken.yaml:{err.line}")
    assert not (tmp_path / "pwned").exists()
    assert path.read_text(encoding="utf-8") == text  # loading never rewrites the file


def test_duplicate_dated_value_points_at_the_second(tmp_path):
    text = edit(
        "      - from: 2020-01-01\n        value: 7%\n",
        "      - from: 2020-01-01\n        value: 7%\n      - from: 2020-01-01\n        value: 8%\n",
    )
    with pytest.raises(PolicyError) as info:
        load_policy(write(tmp_path, text))
    lines = [n for n, line in enumerate(text.splitlines(), 1) if "from: 2020-01-01" in line]
    # loss's two values are the first two "from: 2020-01-01" lines; the error names a line of loss's values
    assert info.value.line in range(lines[0], lines[1] + 2)


def test_policy_not_utf8(tmp_path):
    with pytest.raises(PolicyError, match="not valid UTF-8"):
        load_policy(write(tmp_path, BASE.encode("gb18030")))


def test_policy_size_limit_is_one_mib(tmp_path):
    # exactly 1 MiB is allowed (comment padding), one byte more is not
    padding = 1024 * 1024 - len(BASE.encode("utf-8")) - 2
    exact = BASE + "#" + "x" * padding + "\n"
    assert len(exact.encode("utf-8")) == 1024 * 1024
    assert load_policy(write(tmp_path, exact, "exact.yaml")).name == "materials-order"
    with pytest.raises(PolicyError, match="1048576"):
        load_policy(write(tmp_path, exact + "\n", "over.yaml"))


def test_a_few_aliases_are_fine_but_not_many(tmp_path):
    few = "defs: &d [a]\nmore: *d\n"
    # unknown top-level keys are rejected anyway, so check the alias limit comes first
    with pytest.raises(PolicyError) as info:
        load_policy(write(tmp_path, few + BASE, "few.yaml"))
    assert "YAML aliases" not in str(info.value) and "unknown key 'defs'" in str(info.value)
    many = "defs: &d [a]\n" + "".join(f"k{i}: *d\n" for i in range(200))
    with pytest.raises(PolicyError, match="YAML aliases"):
        load_policy(write(tmp_path, many + BASE, "many.yaml"))


@pytest.mark.parametrize(
    ("old", "new", "wanted"),
    [
        (
            "        label: {zh: 一周申请数量, en: weekly order}\n",
            "        lable: {zh: 一周申请数量, en: weekly order}\n",
            "label",
        ),
        ("        expr: parcels × (1 + growth + loss) ÷ 4\n", "        exp: parcels × (1 + growth + loss) ÷ 4\n", "expr"),
    ],
    ids=["lable", "exp"],
)
def test_misspelt_output_column_key_is_named(tmp_path, old, new, wanted):
    text = edit(old, new)
    with pytest.raises(PolicyError) as info:
        load_policy(write(tmp_path, text))
    bad_key = new.split(":")[0].strip()
    assert f"unknown key '{bad_key}'" in str(info.value)
    assert f"did you mean '{wanted}'" in str(info.value)
    assert info.value.line == line_of(text, new.strip())
