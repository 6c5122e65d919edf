"""All-or-nothing outputs (STYLE.md #14): a failed run leaves every target byte-identical
and no temporary file behind; a successful run replaces the target."""

from __future__ import annotations

import errno
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

import cspolicy.tables.atomic as atomic
import cspolicy.tables.writer as writer
from cspolicy import DataError, load_policy, run_files
from cspolicy.errors import EnvironmentFailure

HEADER = "站点,物料,上月实际票数,增长率\n"
ROWS = 5000
OLD = b"\xef\xbb\xbfold orders file\r\nkeep me\r\n"


@pytest.fixture(scope="module")
def policy():
    return load_policy("materials-order")


def big_input(path: Path, *, bad_last: bool) -> Path:
    lines = [f"S{i},面单,{i},15%\n" for i in range(ROWS)]
    if bad_last:
        lines[-1] = f"S{ROWS - 1},面单,abc,15%\n"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def out_dir(tmp_path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    (d / "orders.csv").write_bytes(OLD)
    return d


def assert_untouched(directory: Path, expected: dict[str, bytes]) -> None:
    assert sorted(os.listdir(directory)) == sorted(expected), "a file was created or a temp file left behind"
    for name, data in expected.items():
        assert (directory / name).read_bytes() == data


class Boom:
    """Replace ``owner.attr`` by a wrapper that raises ``exc`` on call number ``after + 1``."""

    def __init__(self, monkeypatch, owner, attr: str, after: int, exc: BaseException) -> None:
        self.calls = 0
        original = getattr(owner, attr)

        def wrapper(*args, **kwargs):
            self.calls += 1
            if self.calls > after:
                raise exc
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, attr, wrapper)


# --- (a) a bad cell on the last row --------------------------------------------------------


def test_bad_last_row_leaves_output_dir_untouched(policy, tmp_path, out_dir):
    src = big_input(tmp_path / "stations.csv", bad_last=True)
    with pytest.raises(DataError) as info:
        run_files(policy, {"stations": src}, output=out_dir)
    # header = row 1, data rows 2 … 5001; the last one is bad
    assert f"stations.csv:{ROWS + 1}:上月实际票数" in str(info.value)
    assert_untouched(out_dir, {"orders.csv": OLD})


@pytest.mark.parametrize("name", ["result.json", "orders.csv"])
def test_bad_last_row_leaves_single_file_untouched(policy, tmp_path, out_dir, name):
    target = out_dir / name
    target.write_bytes(OLD)
    src = big_input(tmp_path / "stations.csv", bad_last=True)
    only = ["orders"] if name.endswith(".csv") else []
    with pytest.raises(DataError):
        run_files(policy, {"stations": src}, output=target, only=only)
    assert_untouched(out_dir, {"orders.csv": OLD, name: OLD})


def test_bad_last_row_prints_nothing(policy, tmp_path):
    src = big_input(tmp_path / "stations.csv", bad_last=True)
    for fmt, only in (("csv", ["orders"]), ("json", []), ("table", [])):
        out = io.StringIO()
        with pytest.raises(DataError):
            run_files(policy, {"stations": src}, fmt=fmt, only=only, stdout=out)
        assert out.getvalue() == ""


# --- (b) a failure midway through writing -------------------------------------------------


@pytest.mark.parametrize(
    ("exc", "raised"),
    [(KeyboardInterrupt(), KeyboardInterrupt), (OSError(errno.ENOSPC, "No space left on device"), EnvironmentFailure)],
    ids=["ctrl-c", "disk-full"],
)
def test_failure_midway_through_csv_rows(policy, tmp_path, out_dir, monkeypatch, exc, raised):
    src = big_input(tmp_path / "stations.csv", bad_last=False)
    booms: list[Boom] = []
    make_row_writer = writer.CsvSink.row_writer

    def row_writer(self, indexes):
        # the fast per-output writer the engine uses: wrap the function it returns
        holder = type("Holder", (), {"write": staticmethod(make_row_writer(self, indexes))})
        booms.append(Boom(monkeypatch, holder, "write", 1000, exc))
        return holder.write

    monkeypatch.setattr(writer.CsvSink, "row_writer", row_writer)
    with pytest.raises(raised) as info:
        run_files(policy, {"stations": src}, output=out_dir)
    if raised is EnvironmentFailure:  # a full disk is the machine's failure (exit 3), said plainly
        assert (
            str(info.value)
            == f"{out_dir}: no space left on the device; free some space or write elsewhere; no output was changed"
        )
    assert booms[0].calls == 1001  # it really failed midway, after 1000 rows were written
    assert_untouched(out_dir, {"orders.csv": OLD})


def test_failure_midway_through_the_engine(policy, tmp_path, out_dir, monkeypatch):
    # fail in the evaluation itself (not in a sink): the node that computes the output rows
    import cspolicy.engine as engine
    import cspolicy.fastpath as fastpath

    src = big_input(tmp_path / "stations.csv", bad_last=False)
    monkeypatch.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)  # careful engine only
    Boom(monkeypatch, engine.Node, "_row", 1000, KeyboardInterrupt())  # each row is evaluated here
    with pytest.raises(KeyboardInterrupt):
        run_files(policy, {"stations": src}, output=out_dir)
    assert_untouched(out_dir, {"orders.csv": OLD})


def test_ctrl_c_midway_through_the_fused_loop(policy, tmp_path, out_dir, monkeypatch):
    # a clean file runs through the fused loop (cspolicy.fastpath): interrupt it after 1000 rows
    from cspolicy.tables.reader import Table

    src = big_input(tmp_path / "stations.csv", bad_last=False)
    make = Table._row_converter
    booms: list[Boom] = []

    def row_converter(self):
        holder = type("Holder", (), {"convert": staticmethod(make(self))})
        booms.append(Boom(monkeypatch, holder, "convert", 1000, KeyboardInterrupt()))
        return holder.convert

    monkeypatch.setattr(Table, "_row_converter", row_converter)
    with pytest.raises(KeyboardInterrupt):
        run_files(policy, {"stations": src}, output=out_dir)
    assert booms and booms[0].calls == 1001
    assert_untouched(out_dir, {"orders.csv": OLD})


def test_failure_while_committing_the_second_file(policy, tmp_path, out_dir, monkeypatch):
    # if the fsync of one of the two files fails, neither target changes
    src = big_input(tmp_path / "stations.csv", bad_last=False)
    Boom(monkeypatch, atomic.Pending, "finish", 1, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(EnvironmentFailure, match="cannot write here: Input/output error; no output was changed"):
        run_files(policy, {"stations": src}, output=out_dir)
    assert_untouched(out_dir, {"orders.csv": OLD})


# --- (c) JSON target ----------------------------------------------------------------------


def test_failure_midway_through_json(policy, tmp_path, out_dir, monkeypatch):
    target = out_dir / "result.json"
    target.write_bytes(OLD)
    src = big_input(tmp_path / "stations.csv", bad_last=False)
    boom = Boom(monkeypatch, writer, "_json_value", 1000, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        run_files(policy, {"stations": src}, output=target)
    assert boom.calls == 1001
    assert_untouched(out_dir, {"orders.csv": OLD, "result.json": OLD})


# --- (d) success replaces -----------------------------------------------------------------


def test_success_replaces_the_files(policy, tmp_path, out_dir):
    src = big_input(tmp_path / "stations.csv", bad_last=False)
    os.chmod(out_dir / "orders.csv", 0o640)
    report = run_files(policy, {"stations": src}, output=out_dir)
    assert sorted(os.listdir(out_dir)) == ["materials.csv", "orders.csv"]
    assert report.rows == {"orders": ROWS, "materials": 1}
    data = (out_dir / "orders.csv").read_bytes()
    assert data != OLD and data.startswith(b"\xef\xbb\xbfstation,material,")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert len(lines) == ROWS + 2 and lines[-1] == ""  # header + rows + final line end
    # the last row, S4999: parcels 4999 × 1.22 = 6098.78 → 6099; ÷ 4 = 1524.695 → 1525; ÷ 8 = 762.3475 → 763
    assert lines[ROWS].startswith("S4999,面单,4999,15%,6099,1525,763,")
    assert os.stat(out_dir / "orders.csv").st_mode & 0o777 == 0o640  # the old file's mode is kept


def test_success_replaces_a_json_file(policy, tmp_path, out_dir):
    src = big_input(tmp_path / "stations.csv", bad_last=False)
    target = out_dir / "result.json"
    target.write_bytes(OLD)
    run_files(policy, {"stations": src}, output=target)
    doc = json.loads(target.read_text(encoding="utf-8"), parse_float=Decimal)
    assert len(doc["orders"]) == ROWS
    # weekly issue = Σ ceil(i × 1.22 ÷ 4) for i = 0 … 4999, computed independently
    expected = sum((Decimal(i) * Decimal("1.22") / 4).to_integral_value(rounding="ROUND_CEILING") for i in range(ROWS))
    assert doc["materials"][0]["weekly_qty"] == expected
    assert sorted(os.listdir(out_dir)) == ["orders.csv", "result.json"]


def test_ctrl_c_inside_the_fused_row_function(policy, tmp_path, out_dir, monkeypatch):
    # --only orders into a CSV: one generated function per row (cells → CSV text); stop it at row 1001
    import cspolicy.fastpath as fastpath

    src = big_input(tmp_path / "stations.csv", bad_last=False)
    real_define = fastpath.define
    booms: list[Boom] = []

    def define(source, namespace, label):
        functions = real_define(source, namespace, label)
        holder = type("Holder", (), {"step": staticmethod(functions["_step"])})
        booms.append(Boom(monkeypatch, holder, "step", 1000, KeyboardInterrupt()))
        return {"_step": holder.step}

    monkeypatch.setattr(fastpath, "define", define)
    with pytest.raises(KeyboardInterrupt):
        run_files(policy, {"stations": src}, output=out_dir / "orders.csv", only=["orders"])
    assert booms and booms[0].calls == 1001
    assert_untouched(out_dir, {"orders.csv": OLD})
