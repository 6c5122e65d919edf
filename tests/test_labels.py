"""Labels in a policy: the schema's forms, where a label comes from, and the completeness
check (``missing_labels``) on custom and shipped policies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cspolicy import PolicyError, load_policy
from cspolicy.i18n import Label
from cspolicy.planner.labels import missing_labels
from cspolicy.planner.policy import shipped_policies

SHIPPED = sorted(shipped_policies())
CJK = re.compile(r"[\u4e00-\u9fff]")

#: A custom policy with no labels at all: everything falls back to its identifiers.
BARE = """\
name: bare
title: {zh: 测试, en: test}
family: test
version: "1"
rules:
  R-MT-1: order rule
inputs:
  stations:
    columns:
      station: {type: text}
      kind:
        type: enum
        values: [a, b]
      parcels: {type: integer}
outputs:
  orders:
    from: stations
    columns:
      station: station
      kind: kind
      weekly: {expr: parcels ÷ 4, type: quantity, rule: R-MT-1}
      status: "'big' if parcels > 100 else 'small'"
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # so that a policy file is named as given: bad.yaml


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def test_a_policy_without_labels_falls_back_to_its_identifiers(tmp_path):
    policy = load_policy(write(tmp_path, BARE))
    labels = policy.labels
    assert labels.headers("orders", "zh") == ["station", "kind", "weekly", "status"]
    assert labels.headers("orders", "en") == ["station", "kind", "weekly", "status"]
    assert labels.values("orders", "status") == {"big": Label("big"), "small": Label("small")}
    assert labels.value("orders", "status", "big").text("zh") == "big"
    assert labels.rule("R-MT-1") == Label("R-MT-1", "order rule", "order rule")  # one text: both languages


def test_missing_labels_names_file_line_and_language(tmp_path):
    findings = missing_labels(load_policy(write(tmp_path, BARE, "bare.yaml")))
    text = [f.message("en") for f in findings]
    assert (
        f"bare.yaml:{line_of(BARE, '      station: {type: text}')}: inputs.stations.columns.station.label: no Chinese or English label"
        in text
    )
    assert f"bare.yaml:{line_of(BARE, '  orders:')}: outputs.orders.label: no Chinese or English label" in text
    status_line = line_of(BARE, "      status:")
    assert f"bare.yaml:{status_line}: outputs.orders.columns.status.values.big: no Chinese or English label" in text
    assert (
        f"bare.yaml:{line_of(BARE, '        values: [a, b]')}: inputs.stations.columns.kind.values.a: no Chinese or English label"
        in text
    )
    # station and kind repeat the input columns: reported there, not twice
    assert not any(f.where.startswith(("outputs.orders.columns.station", "outputs.orders.columns.kind")) for f in findings)
    assert [f.line or 0 for f in findings] == sorted(f.line or 0 for f in findings)  # file order
    assert findings[0].message("zh").endswith("缺少中文和英文标签")


def test_a_label_in_one_language_lacks_the_other(tmp_path):
    text = BARE.replace("      weekly: {expr:", "      weekly: {label: {en: weekly order}, expr:")
    policy = load_policy(write(tmp_path, text))
    (finding,) = [f for f in missing_labels(policy) if f.where == "outputs.orders.columns.weekly.label"]
    assert finding.missing == ("zh",)
    assert finding.message("en").endswith("outputs.orders.columns.weekly.label: no Chinese label")
    assert finding.message("zh").endswith("缺少中文标签")
    assert policy.labels.headers("orders", "zh")[2] == "weekly order"  # falls back to English


def test_a_plain_string_label_is_the_same_in_both_languages(tmp_path):
    text = BARE.replace("      weekly: {expr:", "      weekly: {label: 周订单, expr:")
    policy = load_policy(write(tmp_path, text))
    assert policy.labels.column("orders", "weekly") == Label("weekly", "周订单", "周订单")
    assert not [f for f in missing_labels(policy) if f.where.startswith("outputs.orders.columns.weekly")]


def test_a_repeated_column_takes_the_label_of_the_column_it_repeats(tmp_path):
    text = BARE.replace("      station: {type: text}", "      station: {type: text, label: {zh: 站点, en: station}}")
    text = text.replace("        values: [a, b]", "        values: {a: {zh: 甲, en: A}, b: {zh: 乙, en: B}}")
    policy = load_policy(write(tmp_path, text))
    assert policy.labels.column("orders", "station") == Label("station", "站点", "station")
    assert policy.labels.values("orders", "kind") == {"a": Label("a", "甲", "A"), "b": Label("b", "乙", "B")}


def test_shared_labels_in_one_output_are_reported(tmp_path):
    text = BARE.replace("      weekly: {expr:", "      weekly: {label: {zh: 站点, en: w}, expr:").replace(
        "      station: station", "      station: {expr: station, label: {zh: 站点, en: station}}"
    )
    findings = [f for f in missing_labels(load_policy(write(tmp_path, text))) if f.shared]
    assert [(f.where, f.shared, f.other) for f in findings] == [("outputs.orders.columns.weekly.label", "站点", "station")]
    assert "its Chinese label '站点' is also the label of column 'station'" in findings[0].message("en")
    assert "中文标签“站点”与列 station 的相同" in findings[0].message("zh")


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        (
            "      weekly: {expr:",
            "      weekly: {label: {zh: 周, fr: semaine}, expr:",
            "      weekly:",
            "unknown key 'fr'",
        ),
        (
            """      status: "'big' if parcels > 100 else 'small'"\n""",
            """      status:\n        expr: "'big' if parcels > 100 else 'small'"\n        values: {bgi: 大}\n""",
            "values: {bgi",
            "the column never holds 'bgi'; expected a value its formula gives: big, small",
        ),
        (
            "      weekly: {expr:",
            "      weekly: {values: {x: y}, expr:",
            "      weekly:",
            "'values' labels the values of a text column, not of a quantity",
        ),
        (
            "      parcels: {type: integer}",
            "      parcels: {type: integer, label: {zh: 站点, en: parcels}}\n      other: {type: text, aliases: [站点]}",
            "      other:",
            "header '站点' (a name, alias or label) names both column 'parcels' and column 'other'",
        ),
        (
            "        values: [a, b]",
            "        values: {a: {zh: 甲}, b: {zh: 乙, aliases: [甲]}}",
            "        values:",
            "enum column 'kind': '甲' would match both 'a' and 'b'",
        ),
    ],
    ids=[
        "unknown-language",
        "label-for-a-value-never-held",
        "values-on-a-number",
        "label-clashes-with-alias",
        "value-label-clash",
    ],
)
def test_bad_labels_are_policy_errors_at_their_line(tmp_path, old, new, marker, message):
    text = BARE.replace(old, new)
    assert text != BARE
    with pytest.raises(PolicyError) as info:
        load_policy(write(tmp_path, text, "bad.yaml"))
    error = info.value
    assert message in str(error)
    assert error.file == "bad.yaml"
    if marker != "      other:":  # the clash is placed at the column that clashes: the second one
        assert error.line is not None and error.line >= line_of(text, marker) - 1
    else:
        assert error.line == line_of(text, marker)


# --- the shipped policies --------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_policy_is_labelled_in_both_languages(name):
    assert [str(f) for f in missing_labels(load_policy(name))] == []


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_chinese_labels_are_chinese(name):
    """A plain-string label counts for both languages; the shipped ones must really be Chinese."""
    policy = load_policy(name)
    labels = policy.labels
    found = [*labels.rules.values(), *labels.parameters.values(), *labels.inputs.values(), *labels.outputs.values()]
    for table in policy.inputs.values():
        for c in table.columns:
            found.append(labels.input_column(table.name, c.name))
            found += (labels.values(table.name, c.name, from_input=True) or {}).values()
    for out, plan in policy.outputs.items():
        for col in plan.columns:
            found.append(labels.column(out, col.name))
            found += (labels.values(out, col.name) or {}).values()
    for group in (*labels.band_outcomes.values(), *labels.sanctions.values()):
        found += group.values()
    assert found
    not_chinese = [(lab.id, lab.zh) for lab in found if not CJK.search(lab.zh or "")]
    assert not_chinese == []
    assert all(lab.en and not CJK.search(lab.en) for lab in found if lab.id != "EMPLOYMENT ENDS"), name


def test_ladder_sanctions_combine_their_kinds_labels():
    labels = load_policy("penalties-club").labels
    values = labels.values("sanctions", "sanction")
    assert values is not None
    # C9: a fine 100–500 and dismissal on the same rung (R-PN-1); C8X ends in dismissal, so 'none' follows
    assert values["fine+dismissal"] == Label("fine+dismissal", "罚款+开除", "fine+dismissal")
    assert list(values) == ["warning", "fine", "dismissal", "fine+dismissal", "none"]
    assert labels.values("employees", "outcome") == {k: v for k, v in values.items() if "+" not in k}
    assert labels.sanction("club", "warning").text("zh") == "口头警告"
    assert labels.offence("club", "C9").text("zh") == "拾遗不交据为己有"
