"""All-or-nothing outputs (STYLE.md #14): a failed run leaves every target byte-identical
and no temporary file behind; a successful run replaces the target."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

import cspolicy.tables.atomic as atomic
import cspolicy.tables.journal as journal
import cspolicy.tables.writer as writer
from cspolicy import DataError, load_policy, run_files
from cspolicy.errors import EnvironmentFailure, UsageError

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

    make_write_all = writer.CsvSink.write_all

    def write_all(self, rows):
        # the fused loop's writer (both outputs take it: the group folds inline): rows pass
        # one by one through a function that fails like the row writer
        holder = type("Holder", (), {"row": staticmethod(lambda row: row)})
        booms.append(Boom(monkeypatch, holder, "row", 1000, exc))
        return make_write_all(self, map(holder.row, rows))

    make_write_lines = writer.CsvSink.write_lines

    def write_lines(self, lines):
        # the fused loop's rows made into CSV lines (csvline): the same failure, line by line
        holder = type("Holder", (), {"line": staticmethod(lambda line: line)})
        booms.append(Boom(monkeypatch, holder, "line", 1000, exc))
        return make_write_lines(self, map(holder.line, lines))

    monkeypatch.setattr(writer.CsvSink, "row_writer", row_writer)
    monkeypatch.setattr(writer.CsvSink, "write_all", write_all)
    monkeypatch.setattr(writer.CsvSink, "write_lines", write_lines)
    with pytest.raises(raised) as info:
        run_files(policy, {"stations": src}, output=out_dir)
    if raised is EnvironmentFailure:  # a full disk is the machine's failure (exit 3), said plainly
        assert (
            str(info.value)
            == f"{out_dir}: no space left on the device; free some space or write elsewhere; no output was changed"
        )
    assert any(b.calls == 1001 for b in booms)  # it really failed midway, after 1000 rows were written
    assert_untouched(out_dir, {"orders.csv": OLD})


def test_failure_midway_through_the_engine(policy, tmp_path, out_dir, monkeypatch):
    # fail in the evaluation itself (not in a sink): the node that computes the output rows
    import cspolicy.engine.fastpath as fastpath
    import cspolicy.engine.node as engine

    src = big_input(tmp_path / "stations.csv", bad_last=False)
    monkeypatch.setattr(fastpath, "run_clean", lambda prep, tables, sinks=None: False)  # careful engine only
    Boom(monkeypatch, engine.Node, "_row", 1000, KeyboardInterrupt())  # each row is evaluated here
    with pytest.raises(KeyboardInterrupt):
        run_files(policy, {"stations": src}, output=out_dir)
    assert_untouched(out_dir, {"orders.csv": OLD})


def test_ctrl_c_midway_through_the_fused_loop(policy, tmp_path, out_dir, monkeypatch):
    # a clean file runs through the fused loop (cspolicy.engine.fastpath), one generated function
    # per row (its CSV line, cspolicy.engine.csvline) fed to writelines: interrupt it after 1000 rows
    src = big_input(tmp_path / "stations.csv", bad_last=False)
    make_write_lines = writer.CsvSink.write_lines
    booms: list[Boom] = []

    def write_lines(self, lines):
        holder = type("Holder", (), {"line": staticmethod(lambda line: line)})
        booms.append(Boom(monkeypatch, holder, "line", 1000, KeyboardInterrupt()))
        return make_write_lines(self, map(holder.line, lines))

    monkeypatch.setattr(writer.CsvSink, "write_lines", write_lines)
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
    import cspolicy.engine.fastpath as fastpath

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


# --- (e) every target checked before the first rename (issue 14 §3) ----------------------------


# 胶带 at B站: 350 × (1 + 15% + 7%) ÷ 4 = 106.75 → 107; safety 50% → 53.5 → 54; central 107 + 54
NEW_TAPE = "胶带,1,107,54,161"


def small_input(tmp_path: Path, growth: str = "15%") -> Path:
    path = tmp_path / "stations.csv"
    path.write_text(HEADER + f"A站,面单,10000,{growth}\nB站,胶带,350,{growth}\n", encoding="utf-8")
    return path


def test_a_directory_in_the_way_of_the_second_output_changes_nothing(policy, tmp_path, out_dir):
    (out_dir / "materials.csv").mkdir()  # today: a traceback after orders.csv was replaced
    with pytest.raises(EnvironmentFailure) as info:
        run_files(policy, {"stations": small_input(tmp_path)}, output=out_dir)
    assert str(info.value).startswith(f"{out_dir / 'materials.csv'}: is a directory, where an output file should go")
    assert (out_dir / "orders.csv").read_bytes() == OLD
    assert sorted(os.listdir(out_dir)) == ["materials.csv", "orders.csv"]


def test_a_directory_appearing_while_the_run_computes_changes_nothing(policy, tmp_path, out_dir, monkeypatch):
    # the targets are checked again just before the journal: a directory made meanwhile is caught
    real_fault = atomic.fault

    def fault(point: str) -> None:
        if point == "writing":
            (out_dir / "materials.csv").mkdir()
        real_fault(point)

    monkeypatch.setattr(atomic, "fault", fault)
    with pytest.raises(EnvironmentFailure, match="materials.csv: is a directory"):
        run_files(policy, {"stations": small_input(tmp_path)}, output=out_dir)
    assert (out_dir / "orders.csv").read_bytes() == OLD
    assert sorted(os.listdir(out_dir)) == ["materials.csv", "orders.csv"]


def test_ctrl_c_between_the_renames_finishes_them(policy, tmp_path, out_dir, monkeypatch):
    # past the commit point (the journal written) the renames are finished, then Ctrl-C goes on
    real_fault = atomic.fault

    def fault(point: str) -> None:
        real_fault(point)
        if point == "after-rename-1":
            raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "fault", fault)
    with pytest.raises(KeyboardInterrupt):
        run_files(policy, {"stations": small_input(tmp_path)}, output=out_dir)
    assert sorted(os.listdir(out_dir)) == ["materials.csv", "orders.csv"]
    assert (out_dir / "orders.csv").read_bytes() != OLD
    assert (out_dir / "materials.csv").read_text(encoding="utf-8-sig").splitlines()[1] == NEW_TAPE


def test_a_rename_that_fails_after_the_commit_point_is_finished_by_the_next_run(policy, tmp_path, out_dir, monkeypatch):
    src = small_input(tmp_path)
    real_replace = os.replace

    def replace(source, target):  # materials.csv cannot be replaced (say, a file locked by Excel)
        if str(target).endswith("materials.csv"):
            raise OSError(errno.EBUSY, "Device or resource busy")
        real_replace(source, target)

    with monkeypatch.context() as m:
        m.setattr(atomic.os, "replace", replace)
        with pytest.raises(EnvironmentFailure) as info:
            run_files(policy, {"stations": src}, output=out_dir)
    assert str(info.value).startswith(f"{out_dir / 'materials.csv'}: cannot replace this file (Device or resource busy)")
    assert "the next cspolicy run into this directory puts them in place" in str(info.value)
    assert ".cspolicy-journal" in os.listdir(out_dir)  # the complete new outputs wait beside
    # the next run (even one that fails on its data) first finishes the committed renames
    bad = big_input(tmp_path / "bad.csv", bad_last=True)
    with pytest.raises(DataError):
        run_files(policy, {"stations": bad}, output=out_dir)
    assert sorted(os.listdir(out_dir)) == ["materials.csv", "orders.csv"]
    assert (out_dir / "materials.csv").read_text(encoding="utf-8-sig").splitlines()[1] == NEW_TAPE


# --- (f) what a killed run left is cleaned up by the next run into the place ------------------


def test_the_next_run_rolls_a_journal_forward_and_removes_stale_temporary_files(policy, tmp_path, out_dir):
    # as a run killed between its renames leaves it: orders.csv new, materials.csv still in
    # its temporary file, the journal listing both; plus temp files of other dead runs
    (out_dir / "materials.csv").write_bytes(b"old materials")
    (out_dir / ".cspolicy-999999-0a1b2c3d.tmp").write_bytes(b"new materials")
    (out_dir / ".cspolicy-journal").write_text(
        json.dumps(
            {
                "pid": 999999,
                "renames": [[".cspolicy-999999-aaaaaaaa.tmp", "orders.csv"], [".cspolicy-999999-0a1b2c3d.tmp", "materials.csv"]],
            }
        ),
        encoding="utf-8",
    )
    (out_dir / ".cspolicy-1-deadbeef.tmp").write_bytes(b"x" * 1000)  # pid 1 is alive, but the lock is free
    (out_dir / ".orders.csv.ab_cd12x.tmp").write_bytes(b"a temp file of cspolicy before the journal")
    (out_dir / ".cspolicy-lookalike.tmp").write_bytes(b"not ours: kept")
    (out_dir / ".cspolicy.lock").write_text("999999\n")  # a dead run's lock file: not held
    bad = big_input(tmp_path / "bad.csv", bad_last=True)
    with pytest.raises(DataError):
        run_files(policy, {"stations": bad}, output=out_dir)  # fails itself, after recovering
    assert sorted(os.listdir(out_dir)) == [".cspolicy-lookalike.tmp", "materials.csv", "orders.csv"]
    assert (out_dir / "materials.csv").read_bytes() == b"new materials"
    assert (out_dir / "orders.csv").read_bytes() == OLD


def test_an_unreadable_journal_stops_the_run_and_changes_nothing(policy, tmp_path, out_dir):
    (out_dir / ".cspolicy-journal").write_text("{not json", encoding="utf-8")
    with pytest.raises(EnvironmentFailure, match="a journal of an unfinished earlier run cannot be read"):
        run_files(policy, {"stations": small_input(tmp_path)}, output=out_dir)
    assert sorted(os.listdir(out_dir)) == [".cspolicy-journal", "orders.csv"]
    assert (out_dir / "orders.csv").read_bytes() == OLD


# --- (g) two runs into one place ----------------------------------------------------------------


def test_a_run_waits_for_the_lock_then_stops_with_a_message(policy, tmp_path, out_dir, monkeypatch):
    monkeypatch.setattr(journal, "LOCK_WAIT", 0.3)
    holder = journal.DirectoryLock(str(out_dir)).acquire()  # another run, writing here
    told: list[str] = []
    try:
        with pytest.raises(EnvironmentFailure) as info:
            run_files(policy, {"stations": small_input(tmp_path)}, output=out_dir, on_wait=told.append)
    finally:
        holder.release()
    assert str(info.value) == (
        f"{out_dir}: another cspolicy run (process {os.getpid()}) is writing outputs into this directory; "
        "wait until it has finished, then run again"
    )
    assert told == [f"waiting for another cspolicy run (process {os.getpid()}) writing into {out_dir} …"]
    assert sorted(os.listdir(out_dir)) == ["orders.csv"]  # the lock file went with its holder
    run_files(policy, {"stations": small_input(tmp_path)}, output=out_dir)  # free again


def test_a_lock_file_deleted_by_its_holder_is_not_shared(tmp_path):
    first = journal.DirectoryLock(str(tmp_path)).acquire()
    first.release()
    assert not (tmp_path / ".cspolicy.lock").exists()
    second = journal.DirectoryLock(str(tmp_path), wait=0).acquire()
    third = journal.DirectoryLock(str(tmp_path), wait=0)
    with pytest.raises(EnvironmentFailure, match="another cspolicy run"):
        third.acquire()
    second.release()


# --- (h) -o naming an input, modes, links, directories ---------------------------------------


@pytest.mark.parametrize("how", ["same", "dotted", "symlink", "hardlink", "json", "dir"])
def test_output_onto_an_input_is_refused_before_anything_is_written(policy, tmp_path, how):
    src = small_input(tmp_path)
    original = src.read_bytes()
    only: list[str] = ["orders"]
    if how == "same":
        output: Path = src
    elif how == "dotted":
        output = tmp_path / "." / "x" / ".." / "stations.csv"
        (tmp_path / "x").mkdir()
    elif how == "symlink":
        output = tmp_path / "link.csv"
        output.symlink_to(src)
    elif how == "hardlink":
        output = tmp_path / "hard.csv"
        os.link(src, output)
    elif how == "json":
        output, only = tmp_path / "in.json", []
        src = src.rename(output)
    else:  # -o DIR where DIR/orders.csv is the input
        (tmp_path / "out").mkdir()
        src = src.rename(tmp_path / "out" / "orders.csv")
        output, only = tmp_path / "out", []
    with pytest.raises(UsageError, match=r"would replace the input file .* of 'stations'"):
        run_files(policy, {"stations": src}, output=output, only=only)
    assert src.read_bytes() == original
    assert not [p for p in tmp_path.rglob(".cspolicy*")]


def test_replacing_keeps_the_mode_but_never_setuid_setgid_or_sticky(policy, tmp_path, out_dir):
    os.chmod(out_dir / "orders.csv", 0o6750)
    (out_dir / "materials.csv").write_bytes(b"old")
    os.chmod(out_dir / "materials.csv", 0o1640)
    run_files(policy, {"stations": small_input(tmp_path)}, output=out_dir)
    assert stat.S_IMODE(os.stat(out_dir / "orders.csv").st_mode) == 0o750
    assert stat.S_IMODE(os.stat(out_dir / "materials.csv").st_mode) == 0o640


def test_a_symbolic_link_target_replaces_the_file_it_points_to(policy, tmp_path):
    real = tmp_path / "shared" / "orders.csv"
    real.parent.mkdir()
    real.write_bytes(OLD)
    link = tmp_path / "orders.csv"
    link.symlink_to(real)
    run_files(policy, {"stations": small_input(tmp_path)}, output=link, only=["orders"])
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8-sig").startswith("station,material,")


def test_a_failed_run_removes_every_directory_it_created(policy, tmp_path):
    bad = big_input(tmp_path / "bad.csv", bad_last=True)
    with pytest.raises(DataError):
        run_files(policy, {"stations": bad}, output=tmp_path / "new" / "deeper" / "out")
    assert sorted(os.listdir(tmp_path)) == ["bad.csv"]


def test_a_file_mounted_over_the_target_is_refused(tmp_path, monkeypatch):
    # a file mounted from another file system (a bind mount, as /etc/hosts in a container)
    # cannot be replaced by a rename: refused before any rename, not half-way through
    target = tmp_path / "orders.csv"
    target.write_bytes(OLD)
    real_stat = os.stat

    def fake_stat(path, *args, **kwargs):
        st = real_stat(path, *args, **kwargs)
        return SimpleNamespace(st_mode=st.st_mode, st_dev=st.st_dev + 1) if os.fspath(path) == str(target) else st

    with monkeypatch.context() as m:
        m.setattr(journal.os, "stat", fake_stat)
        with pytest.raises(EnvironmentFailure, match="is on another file system than its directory"):
            journal.check_target(str(target))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_directory(policy, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    os.chmod(out, 0o555)
    try:
        with pytest.raises(EnvironmentFailure, match="permission denied"):
            run_files(policy, {"stations": small_input(tmp_path)}, output=out)
    finally:
        os.chmod(out, 0o755)


def test_a_directory_the_run_may_not_write_into(policy, tmp_path, monkeypatch):
    # the check itself (os.access), whoever runs the tests
    monkeypatch.setattr(atomic.os, "access", lambda path, mode: False)
    with pytest.raises(EnvironmentFailure) as info:
        run_files(policy, {"stations": small_input(tmp_path)}, output=tmp_path / "out.json")
    assert str(info.value) == f"{tmp_path}: cannot write into this directory (permission denied); write elsewhere"
