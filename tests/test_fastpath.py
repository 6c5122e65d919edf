"""The fused loop gives byte-identical results to the careful engine, and hands over dirty files."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import cspolicy.engine.fastpath as fastpath
from cspolicy import DataError, load_policy, run_files

POLICY = load_policy("materials-order")


def stations(path: Path, n: int, *, extra: str = "") -> Path:
    rnd = random.Random(7)
    lines = ["站点,物料,上月实际票数,增长率,申请数量,超额理由"]
    for i in range(n):
        growth = rnd.choice(["15%", "0.15", "-5%", "6%", "0%", "12.5%"])
        req = rnd.choice(["", "", str(rnd.randint(0, 4000))])
        lines.append(
            f"S{i % 50}站,{rnd.choice(['面单', '胶带'])},{rnd.randint(0, 20000)},{growth},{req},{rnd.choice(['', '备货'])}"
        )
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def both_ways(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, src: Path, **kw: object
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    used: list[bool] = []
    real = fastpath.run_clean

    def spy(prep, tables, sinks=None):  # type: ignore[no-untyped-def]
        used.append(real(prep, tables, sinks))
        return used[-1]

    monkeypatch.setattr(fastpath, "run_clean", spy)
    run_files(POLICY, {"stations": src}, output=tmp_path / "fast", **kw)  # type: ignore[arg-type]
    assert used == [True], "the clean file should take the fused loop"
    monkeypatch.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
    run_files(POLICY, {"stations": src}, output=tmp_path / "careful", **kw)  # type: ignore[arg-type]
    read = lambda d: {p.name: p.read_bytes() for p in sorted((tmp_path / d).iterdir())}  # noqa: E731
    return read("fast"), read("careful")


HEAD = 'name: {name}\ntitle: {{zh: 测试, en: test}}\nfamily: test\nversion: "1"\nrules: {{}}\n'


def fast_and_careful(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, body: str, csv_text: str) -> str:
    """Run an inline one-input policy (input ``s``, output ``r``) over ``csv_text`` through the
    fused loop and through the careful engine; assert the files are byte-identical; return the text."""
    policy = tmp_path / f"{name}.yaml"
    policy.write_text(HEAD.format(name=name) + body, encoding="utf-8")
    src = tmp_path / "s.csv"
    src.write_text(csv_text, encoding="utf-8")
    p = load_policy(policy)
    run_files(p, {"s": src}, output=tmp_path / "fast.csv")
    with monkeypatch.context() as m:
        m.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)
        run_files(p, {"s": src}, output=tmp_path / "careful.csv")
    fast = (tmp_path / "fast.csv").read_bytes()
    assert fast == (tmp_path / "careful.csv").read_bytes()
    return fast.decode("utf-8-sig")


def test_clean_file_fast_and_careful_are_byte_identical(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fast, careful = both_ways(monkeypatch, tmp_path, stations(tmp_path / "s.csv", 3000))
    assert set(fast) == {"orders.csv", "materials.csv"}
    assert fast == careful


def test_only_orders_is_identical_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fast, careful = both_ways(monkeypatch, tmp_path, stations(tmp_path / "s.csv", 500), only=["orders"])
    assert fast == careful and set(fast) == {"orders.csv"}


def test_a_blank_row_hands_over_to_the_careful_engine(tmp_path: Path) -> None:
    src = stations(tmp_path / "s.csv", 200, extra=",,,,,\nS1站,面单,100,5%,,\n")
    report = run_files(POLICY, {"stations": src}, output=tmp_path / "out")
    assert report.rows["orders"] == 201  # the blank row is skipped, the row after it kept


def test_a_bad_cell_gives_the_careful_message_and_no_file(tmp_path: Path) -> None:
    src = stations(tmp_path / "s.csv", 1000, extra="S9站,面单,abc,5%,,\n")
    with pytest.raises(DataError) as e:
        run_files(POLICY, {"stations": src}, output=tmp_path / "out")
    assert "s.csv:1002:上月实际票数: column 'parcels': 'abc' is not a whole number" in str(e.value)
    assert not (tmp_path / "out").exists()


def test_negative_and_zero_figures_are_written_the_same_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = fast_and_careful(
        monkeypatch,
        tmp_path,
        "signs",
        """
inputs:
  s: {columns: {a: {type: decimal}, b: {type: decimal, required: false}}}
outputs:
  r:
    from: s
    columns:
      money: {expr: a ÷ 3, type: money}
      whole: {expr: a × 1000000, type: quantity}
      tiny: {expr: a ÷ 1000000, type: decimal, round: {places: 6}}
      maybe: {expr: "coalesce(b, 0) × 2", type: money}
""",
        "a,b\n-0.001,\n0,1\n-7,-0.004\n123456789.125,\n-0.0000004,0\n",
    )
    # a = -0.001: ÷ 3 = -0.000333… → -0.00, written 0.00; × 1e6 = -1000 (ceiling); ÷ 1e6 = -0.000000001
    # → -0.000000, written 0.000000 (no sign on a zero); b blank → coalesce 0 × 2 = 0.00
    assert text.splitlines()[1] == "0.00,-1000,0.000000,0.00"


def test_text_cells_and_reasons_are_the_same_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # reasons that are only spaces are blank (the reader strips them): the request is cut back
    src = tmp_path / "s.csv"
    src.write_text(
        "站点,物料,票数,增长率,申请数量,超额理由\n A ,面单,100,7%,500,   \nB,面单,100,7%,500, 备货 \n", encoding="utf-8"
    )
    fast, careful = both_ways(monkeypatch, tmp_path, src, only=["orders"])
    assert fast == careful
    lines = fast["orders.csv"].decode("utf-8-sig").splitlines()
    # weekly = ceil(100 × 1.14 ÷ 4) = ceil(28.5) = 29
    assert lines[1] == "A,面单,100,7%,114,29,15,500,29,cut_to_formula"
    assert lines[2] == "B,面单,100,7%,114,29,15,500,500,over_limit_with_reason"


def test_echoed_whole_numbers_are_written_the_same_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = fast_and_careful(
        monkeypatch,
        tmp_path,
        "ints",
        """
inputs:
  s: {columns: {n: {type: integer}, m: {type: integer, required: false}}}
outputs:
  r: {from: s, columns: {n: n, m: m, twice: {expr: n × 2, type: integer}}}
""",
        'n,m\n"1,234",\n-0,-5\n１２,0012\n12.0,"-1,000"\n',
    )
    # "1,234" → 1234; "-0" → 0 (no sign); full-width １２ → 12; "0012" → 12; "12.0" → 12; "-1,000" → -1000
    assert text.splitlines()[1:] == ["1234,,2468", "0,-5,0", "12,12,24", "12,-1000,24"]


def test_the_one_function_path_counts_its_rows(tmp_path: Path) -> None:
    src = stations(tmp_path / "s.csv", 1234)
    report = run_files(POLICY, {"stations": src}, output=tmp_path / "orders.csv", only=["orders"])
    assert report.rows == {"orders": 1234}


def test_an_echo_of_a_computed_column_is_formatted_not_passed_through(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # n is redefined as n ÷ 0.1 (100 ÷ 0.1 is Decimal("1.00E+3") in Python), then echoed: it must read 1000
    text = fast_and_careful(
        monkeypatch,
        tmp_path,
        "shadow",
        """
inputs:
  s: {columns: {n: {type: integer}}}
outputs:
  r: {from: s, columns: {n: {expr: n ÷ 0.1, type: integer, round: none}, copy: n}}
""",
        "n\n100\n",
    )
    assert text.splitlines() == ["n,copy", "1000,1000"]


def test_key_spellings_are_one_key_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # station and material are keys (orders' key, materials' group_by): width, spaces and case
    # give one written form, in the fused loop (memo per column) and in the careful converters
    src = tmp_path / "s.csv"
    src.write_text(
        "站点,物料,票数,增长率,申请数量,超额理由\n a站 ,tape,100,7%,,\nＡ站,ＴＡＰＥ,100,0.07,,\nA站, Tape ,100,7%,,\n",
        encoding="utf-8",
    )
    fast, careful = both_ways(monkeypatch, tmp_path, src)
    assert fast == careful
    orders = fast["orders.csv"].decode("utf-8-sig").splitlines()
    # weekly = ceil(100 × (1 + 0.07 + 0.07) ÷ 4) = ceil(28.5) = 29 per row
    assert [line.split(",")[:2] for line in orders[1:]] == [["A站", "TAPE"]] * 3
    materials = fast["materials.csv"].decode("utf-8-sig").splitlines()
    # one material, three rows: weekly 3 × 29 = 87, safety ceil(50% × 87) = 44, central 131
    assert materials[1:] == ["TAPE,3,87,44,131"]
    monkeypatch.undo()  # both_ways left the careful engine switched on
    fast, careful = both_ways(monkeypatch, tmp_path, src, only=["orders"])  # the one-function path
    assert fast == careful and fast["orders.csv"].decode("utf-8-sig").splitlines() == orders


def test_an_open_quote_leaves_the_fused_loop_for_the_careful_message(tmp_path: Path) -> None:
    # the quote opened in row 3's reason swallows rows 4 and 5: exit 0 and two rows before
    src = tmp_path / "s.csv"
    src.write_text(
        '站点,物料,票数,增长率,申请数量,超额理由\nA,面单,100,7%,,\nB,面单,100,7%,200,"备货\nC,面单,100,7%,,\nD,面单,100,7%,,\n',
        encoding="utf-8",
    )
    for only in ([], ["orders"]):
        with pytest.raises(DataError) as info:
            run_files(POLICY, {"stations": src}, output=tmp_path / "out", only=only)
        assert str(info.value).startswith(f"{src}:3:超额理由: the cell '备货…' holds a line break and runs from line 3 to line 5")
        assert not (tmp_path / "out").exists()


def test_a_line_break_in_an_unread_column_is_found_after_the_fused_loop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the loops never convert 备注 (the policy does not read it): they compare the reader's
    # line count with the rows at the end, and hand the file to the careful engine
    src = tmp_path / "s.csv"
    src.write_text('站点,物料,票数,增长率,备注\nA,面单,100,7%,"x\ny"\nB,面单,100,7%,\n', encoding="utf-8")
    used: list[bool] = []
    real = fastpath.run_clean
    monkeypatch.setattr(fastpath, "run_clean", lambda *a: used.append(real(*a)) or used[-1])
    for only in ([], ["orders"]):
        with pytest.raises(DataError) as info:
            run_files(POLICY, {"stations": src}, output=tmp_path / "out", only=only)
        assert str(info.value).startswith(f"{src}:2:备注: the cell 'x…' holds a line break and runs from line 2 to line 3")
    assert used == [False, False]
