"""CSV outputs start with one UTF-8 BOM, written by hand (the file itself is encoded as
plain UTF-8, in C): after the fused loop, after the careful engine that took over from it,
and none with --no-bom."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy.cli.main import cli

HEADER = "站点,物料,上月实际票数,增长率,申请数量,超额理由\n"
CLEAN = HEADER + "A站,面单,100,5%,,\nB站,胶带,40,10%,3,\n"
HANDED_BACK = HEADER + "A站,面单,100,5%,,\n\nB站,胶带,40,10%,3,\n"  # a blank line: the careful engine


@pytest.mark.parametrize("text", [CLEAN, HANDED_BACK])
@pytest.mark.parametrize("bom", [True, False])
def test_one_bom_or_none(tmp_path: Path, text: str, bom: bool) -> None:
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    args = ["run", "materials-order", str(tmp_path / "s.csv"), "-o", str(tmp_path / "out"), "-q"]
    result = CliRunner().invoke(cli, args + ([] if bom else ["--no-bom"]))
    assert result.exit_code == 0, result.stderr
    for name in ("orders.csv", "materials.csv"):
        data = (tmp_path / "out" / name).read_bytes()
        body = data.removeprefix(codecs.BOM_UTF8)
        assert data == (codecs.BOM_UTF8 if bom else b"") + body
        assert not body.startswith(codecs.BOM_UTF8)
        assert body.decode("utf-8").startswith("station,material," if name == "orders.csv" else "material,")


def test_the_same_bytes_through_both_engines(tmp_path: Path) -> None:
    outs = []
    for n, text in enumerate((CLEAN, HANDED_BACK)):
        (tmp_path / f"s{n}.csv").write_text(text, encoding="utf-8")
        args = ["run", "materials-order", str(tmp_path / f"s{n}.csv"), "-o", str(tmp_path / f"out{n}"), "-q"]
        assert CliRunner().invoke(cli, args).exit_code == 0
        outs.append([(tmp_path / f"out{n}" / f).read_bytes() for f in ("orders.csv", "materials.csv")])
    assert outs[0] == outs[1]
