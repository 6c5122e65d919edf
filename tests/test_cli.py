"""The command line through CliRunner: exit code, stdout and stderr asserted separately."""

from __future__ import annotations

import csv
import importlib.metadata
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from cspolicy import __version__
from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
WEEKLY_LINE = (
    "weekly order (weekly_qty) = 3050 [R-MT-1]: parcels 10000 × (1 + growth 15% + loss allowance 7%) ÷ 4 = 3050, rounded up"
)


def ok(result, stderr: str = "") -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    assert result.stderr == stderr  # an -o run lists the files it wrote (issue 14)
    assert "Traceback" not in result.stdout


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    ok(result)
    assert result.stdout == f"cspolicy, version {__version__}\n"


def test_version_matches_package_metadata_if_installed():
    try:
        installed = importlib.metadata.version("cspolicy")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("cspolicy is not installed (running from the source tree)")
    assert installed == __version__


def test_help_shows_a_real_example(runner):
    result = runner.invoke(cli, ["--help"])
    ok(result)
    for command in ("list", "show", "check", "schema", "run"):
        assert command in result.stdout
    assert "cspolicy run materials-order examples/materials/stations.csv" in result.stdout


def test_list(runner):
    result = runner.invoke(cli, ["list"])
    ok(result)
    lines = {line.split(maxsplit=1)[0]: line for line in result.stdout.splitlines()}
    assert "materials-order" in lines
    assert "物料申请（周订单）" in lines["materials-order"]
    assert "Weekly material order" in lines["materials-order"]


def test_show(runner):
    result = runner.invoke(cli, ["show", "materials-order"])
    ok(result)
    out = result.stdout
    param = out[out.index("parameters:") : out.index("input stations")]
    assert "loss (loss allowance): percent" in param
    assert "from 2020-01-01: 7%" in param
    assert "from 2020-01-01: 50%" in param  # safety
    parcels_line = next(line for line in out.splitlines() if line.strip().startswith("parcels:"))
    assert "票数" in parcels_line and "上月实际票数" in parcels_line
    assert "output orders" in out and "output materials" in out
    assert "parcels × (1 + growth + loss) ÷ 4" in out


def test_show_unknown_policy_suggests(runner):
    result = runner.invoke(cli, ["show", "materials-ordr"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "did you mean 'materials-order'" in result.stderr


def test_check_every_shipped_policy_file(runner):
    files = sorted(str(p) for p in (REPO / "policies").glob("*.yaml"))
    assert files
    result = runner.invoke(cli, ["check", *files])
    ok(result)
    assert len(result.stdout.splitlines()) == len(files)
    assert all(line.startswith("ok  ") for line in result.stdout.splitlines())


def test_schema_is_json_schema(runner):
    result = runner.invoke(cli, ["schema"])
    ok(result)
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    for key in ("parameters", "inputs", "outputs", "rules", "name"):
        assert key in schema["properties"]
    assert schema["additionalProperties"] is False


# --- run ------------------------------------------------------------------------------------


@pytest.fixture
def stations(examples_dir) -> str:
    return str(examples_dir / "stations.csv")


def run(runner, *args: str):
    return runner.invoke(cli, ["run", "materials-order", *args])


def test_run_table_on_stdout(runner, stations):
    result = run(runner, stations)
    ok(result)
    out = result.stdout
    assert "orders (7 rows)" in out and "materials (3 rows)" in out
    rows = {tuple(line.split()[:2]): line.split() for line in out.splitlines() if line.startswith(("A站", "B站"))}
    # hand-checked in test_materials_order.py: A站 面单 12200/3050/1525, approved 3050, ok
    assert rows[("A站", "面单")] == ["A站", "面单", "10000", "15%", "12200", "3050", "1525", "3050", "ok"]
    assert rows[("B站", "包装袋")][-2:] == ["2040", "cut_to_formula"]
    mat = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith(("面单", "胶带", "包装袋"))}
    assert mat["面单"] == ["面单", "4", "5889", "2945", "8834"]


def test_run_csv_only_orders(runner, stations):
    result = run(runner, stations, "--format", "csv", "--only", "orders")
    ok(result)
    assert not result.stdout.startswith("\ufeff")  # no BOM on stdout
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:6] == ["station", "material", "parcels", "growth", "monthly_qty", "weekly_qty"]
    assert len(rows) == 8
    assert rows[1] == ["A站", "面单", "10000", "15%", "12200", "3050", "1525", "", "3050", "ok"]


def test_run_csv_needs_one_output(runner, stations):
    result = run(runner, stations, "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--only" in result.stderr


def test_run_json_on_stdout(runner, stations):
    result = run(runner, stations, "--format", "json")
    ok(result)
    doc = json.loads(result.stdout, parse_float=Decimal)
    assert list(doc) == ["orders", "materials"]
    assert doc["orders"][0]["weekly_qty"] == 3050
    assert doc["orders"][0]["growth"] == Decimal("0.15")  # percentages as fractions in JSON
    assert doc["orders"][0]["requested"] is None
    assert [m["material"] for m in doc["materials"]] == ["包装袋", "胶带", "面单"]


def test_run_output_dir(runner, stations, tmp_path):
    out = tmp_path / "new" / "out"
    result = run(runner, stations, "-o", str(out))
    ok(result, f"wrote {out / 'orders.csv'} (7 rows)\nwrote {out / 'materials.csv'} (3 rows)\n")
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["materials.csv", "orders.csv"]
    for name in ("orders.csv", "materials.csv"):
        data = (out / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    orders = list(csv.reader(io.StringIO((out / "orders.csv").read_text(encoding="utf-8-sig"))))
    assert orders[1][:7] == ["A站", "面单", "10000", "15%", "12200", "3050", "1525"]
    materials = (out / "materials.csv").read_text(encoding="utf-8-sig").splitlines()
    assert materials[1:] == ["包装袋,2,5040,2520,7560", "胶带,1,94,47,141", "面单,4,5889,2945,8834"]


def test_run_output_dir_no_bom(runner, stations, tmp_path):
    assert run(runner, stations, "-o", str(tmp_path / "bom")).exit_code == 0
    result = run(runner, stations, "-o", str(tmp_path / "plain"), "--no-bom", "-q")
    ok(result)
    for name in ("orders.csv", "materials.csv"):
        plain = (tmp_path / "plain" / name).read_bytes()
        assert not plain.startswith(b"\xef\xbb\xbf")
        assert b"\xef\xbb\xbf" + plain == (tmp_path / "bom" / name).read_bytes()


def test_run_output_csv_file(runner, stations, tmp_path):
    target = tmp_path / "orders-only.csv"
    result = run(runner, stations, "-o", str(target), "--only", "materials")
    ok(result, f"wrote {target} (3 rows)\n")
    assert target.read_text(encoding="utf-8-sig").splitlines()[0] == "material,stations,weekly_qty,safety_stock,central_stock"


def test_run_output_json_file(runner, stations, tmp_path):
    target = tmp_path / "result.json"
    result = run(runner, stations, "-o", str(target))
    ok(result, f"wrote {target} (orders 7 rows, materials 3 rows)\n")
    assert result.stdout == ""
    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    doc = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    assert list(doc) == ["orders", "materials"]
    assert len(doc["orders"]) == 7 and len(doc["materials"]) == 3
    assert doc["materials"][2] == {
        "material": "面单",
        "stations": 4,
        "weekly_qty": 5889,
        "safety_stock": 2945,
        "central_stock": 8834,
    }
    # same document as --format json on stdout
    assert json.loads(run(runner, stations, "--format", "json").stdout) == json.loads(raw)


def test_explain(runner, stations):
    result = run(runner, stations, "--explain", "A站/面单")
    ok(result)
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert WEEKLY_LINE in lines
    assert "2020-01-01" in result.stdout
    assert "R-MT-1" in result.stdout and "row 2" in result.stdout
    assert "orders (7 rows)" not in result.stdout  # the explanation replaces the tables


def test_explain_key_spacing_is_forgiven(runner, stations):
    result = run(runner, stations, "--explain", "A站 / 面单")
    ok(result)
    assert WEEKLY_LINE in [line.strip() for line in result.stdout.splitlines()]


def test_explain_unknown_key(runner, stations):
    result = run(runner, stations, "--explain", "NOPE")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "NOPE" in result.stderr and "station, material" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("target", ["out.json", "outdir"])
def test_explain_unknown_key_writes_nothing(runner, stations, tmp_path, target):
    result = run(runner, stations, "-o", str(tmp_path / target), "--explain", "NOPE")
    assert result.exit_code == 2
    assert not (tmp_path / target).exists() or not any((tmp_path / target).iterdir())


@pytest.mark.parametrize("variant", ["stations-gb18030.csv", "stations-en.csv"])
@pytest.mark.parametrize("fmt", [["--format", "csv", "--only", "orders"], ["--format", "json"], []])
def test_examples_in_other_encodings_and_headers_agree(runner, examples_dir, variant, fmt):
    reference = run(runner, str(examples_dir / "stations.csv"), *fmt)
    other = run(runner, str(examples_dir / variant), *fmt)
    ok(reference)
    ok(other)
    assert other.stdout == reference.stdout


def test_named_input_argument(runner, stations):
    result = run(runner, f"stations={stations}", "--format", "csv", "--only", "materials")
    ok(result)
    assert result.stdout.splitlines()[-1] == "面单,4,5889,2945,8834"


@pytest.mark.parametrize("target", ["out", "out.json"])
def test_output_is_deterministic(runner, stations, tmp_path, target):
    first, second = tmp_path / "1" / target, tmp_path / "2" / target
    for path in (first, second):
        path.parent.mkdir()
        ok(run(runner, stations, "-o", str(path), "--quiet"))
    if target == "out":
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir())
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes()
    else:
        assert first.read_bytes() == second.read_bytes()


def test_stdout_is_deterministic(runner, stations):
    assert run(runner, stations).stdout == run(runner, stations).stdout


def test_debug_shows_the_traceback_and_keeps_the_exit_code(runner, write_csv):
    path = write_csv("stations.csv", "站点,物料,票数,增长率\nA站,面单,abc,15%\n")
    result = runner.invoke(cli, ["--debug", "run", "materials-order", str(path)])
    assert result.exit_code == 1  # the same code as without --debug: scripts can rely on it
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "cspolicy.errors.DataErrors" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    quiet = runner.invoke(cli, ["run", "materials-order", str(path)])
    assert quiet.exit_code == 1
    assert isinstance(quiet.exception, SystemExit)
    assert "Traceback" not in quiet.stderr
