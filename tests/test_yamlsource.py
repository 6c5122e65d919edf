"""The strict, line-aware YAML loader under every policy file."""

from __future__ import annotations

import pytest

from cspolicy.errors import PolicyError
from cspolicy.schema.yamlsource import MAX_ALIASES, load_yaml, parse_yaml


def test_plain_scalars_stay_text_so_numbers_are_exact() -> None:
    doc = parse_yaml("a: 0.07\nb: 7%\nc: 2020-01-01\nd: true\ne: ~\nf: '0.1'\n", "p.yaml")
    assert doc.data == {"a": "0.07", "b": "7%", "c": "2020-01-01", "d": True, "e": None, "f": "0.1"}


def test_lines_are_recorded_for_keys_and_items() -> None:
    doc = parse_yaml("a:\n  b:\n    - x\n    - y: 1\n", "p.yaml")
    assert doc.line_of(("a", "b", 1, "y")) == 4
    assert doc.line_of(("a", "b", 0)) == 3
    assert doc.line_of(("a", "b", 7, "nope")) == 2  # nearest recorded ancestor


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(PolicyError, match=r"^p\.yaml:3: duplicate key 'a' \(first at line 1\)"):
        parse_yaml("a: 1\nb: 2\na: 3\n", "p.yaml")


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(PolicyError, match=r"^p\.yaml:2:\d+: YAML syntax"):
        parse_yaml("a: 1\nb: c: d\n", "p.yaml")  # "mapping values are not allowed here"


def test_alias_bomb_is_refused() -> None:
    text = "a: &a [x, y]\n" + "".join(f"k{i}: *a\n" for i in range(MAX_ALIASES + 1))
    with pytest.raises(PolicyError, match=f"more than {MAX_ALIASES} YAML aliases"):
        parse_yaml(text, "p.yaml")


def test_a_few_aliases_are_fine() -> None:
    doc = parse_yaml("a: &a [x]\nb: *a\n", "p.yaml")
    assert doc.data == {"a": ["x"], "b": ["x"]}


def test_merge_keys_are_refused() -> None:
    with pytest.raises(PolicyError, match="merge keys"):
        parse_yaml("a: &a {x: 1}\nb:\n  <<: *a\n", "p.yaml")


def test_empty_file_and_bad_encoding(tmp_path: pytest.TempPathFactory) -> None:
    p = tmp_path / "e.yaml"  # type: ignore[operator]
    p.write_text("")
    with pytest.raises(PolicyError, match="the file is empty"):
        load_yaml(p)
    p.write_bytes("name: 物料".encode("gb18030"))
    with pytest.raises(PolicyError, match="not valid UTF-8"):
        load_yaml(p)


def test_oversized_file_is_refused_before_parsing(tmp_path: pytest.TempPathFactory) -> None:
    p = tmp_path / "big.yaml"  # type: ignore[operator]
    p.write_text("# " + "x" * (1024 * 1024) + "\n")
    with pytest.raises(PolicyError, match="at most 1048576 bytes"):
        load_yaml(p)


def test_formula_errors_point_at_the_file_column(tmp_path: pytest.TempPathFactory) -> None:
    from cspolicy import load_policy

    text = (
        "name: t\ntitle: {zh: a, en: b}\nfamily: f\nversion: '1'\nrules: {}\n"
        "inputs:\n  s: {columns: {parcels: {type: integer}}}\n"
        "outputs:\n  o:\n    from: s\n    columns:\n"
        "      a: parcels × 2\n"
        '      b: {expr: "parcels + foo"}\n'
    )
    p = tmp_path / "t.yaml"  # type: ignore[operator]
    p.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load_policy(p)
    # line 13 is `      b: {expr: "parcels + foo"}`: the quote is column 17, so `foo` starts at 28
    assert e.value.line == 13 and e.value.column == 28
    assert str(e.value).startswith(f"{p}:13:28: outputs.o.columns.b.expr: unknown name 'foo'")
