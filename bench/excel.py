"""Benchmark Excel input and output (issue 19) on 100 000 rows × 10 columns.

Data: ``bench/generate.py``'s station rows (fixed seed) with four more columns (负责人, 区域,
日期, 单价: a name, a region, a date cell and a price), written twice with the same values:
as CSV (UTF-8, growth as ``15%``/``0.15`` text) and as an .xlsx whose cells are typed as a
clerk's would be (numbers, growth as a fraction in percent format, a date cell). Both are
cached in ``bench/data/``. The .xlsx is written with xlsxwriter directly, not by cspolicy.

Each measurement is a child process (time and peak RSS as in ``bench/run.py``):

* **read**: ``python -c`` that opens the file with ``read_table`` and iterates every row
  (the materials-order spec; all ten columns are turned into text, six are typed) —
  for the CSV and for the .xlsx; and python-calamine alone loading the sheet and walking
  its rows (the part of the .xlsx read that is the library's);
* **run**: ``cspolicy run materials-order FILE --only orders -o DIR`` (CSV output) on each;
* **write**: ``cspolicy run materials-order data.csv --only orders -o result.xlsx`` —
  the ``orders`` output has exactly 10 columns — in constant-memory mode (the default) and
  with ``constant_memory=False`` for comparison.

Usage::

    python bench/excel.py                 # 100 000 rows, 3 runs each
    python bench/excel.py --rows 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import shutil
import statistics
import sys
from collections.abc import Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate  # noqa: E402  (bench/generate.py)
import run as bench_run  # noqa: E402  (bench/run.py: run_child, choose_rss)

VERSION = 1
EXTRA_HEADERS = ["负责人", "区域", "日期", "单价"]
REGIONS = ["华东", "华南", "华北", "西南", "东北"]
OUT = os.path.join(HERE, "out", "excel")


def _rows(n: int):  # noqa: ANN202 - a generator of (csv cells, xlsx cells)
    rng = random.Random(generate.SEED + 19)
    start = dt.date(2024, 1, 1)
    for i, row in enumerate(generate.station_rows(n, random.Random(generate.SEED))):
        station, material, parcels, growth, requested, reason = row
        name = rng.choice(generate.SURNAMES) + rng.choice(generate.GIVEN) + rng.choice(generate.GIVEN)
        region = rng.choice(REGIONS)
        day = start + dt.timedelta(days=i % 366)
        price = rng.randrange(10, 100000) / 100
        fraction = float(growth[:-1]) / 100 if growth.endswith("%") else float(growth)
        csv_cells = [*row, name, region, day.isoformat(), f"{price:.2f}"]
        xlsx_cells = [
            station,
            material,
            int(parcels),
            fraction,
            int(requested) if requested else None,
            reason or None,
            name,
            region,
            day,
            price,
        ]
        yield csv_cells, xlsx_cells


def generate_files(rows: int) -> tuple[str, str]:
    """Write (or reuse) ``bench/data/excel-vN-ROWS.csv`` and ``.xlsx``; return their paths."""
    import xlsxwriter

    base = os.path.join(generate.DATA_DIR, f"excel-v{VERSION}-{rows}")
    csv_path, xlsx_path = base + ".csv", base + ".xlsx"
    if os.path.exists(csv_path) and os.path.exists(xlsx_path):
        return csv_path, xlsx_path
    os.makedirs(generate.DATA_DIR, exist_ok=True)
    headers = [*generate.STATION_HEADERS, *EXTRA_HEADERS]
    book = xlsxwriter.Workbook(xlsx_path + ".tmp", {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    percent = book.add_format({"num_format": "0.0%"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, headers)
    with open(csv_path + ".tmp", "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(headers)
        for r, (csv_cells, cells) in enumerate(_rows(rows), 1):
            out.writerow(csv_cells)
            for c, value in enumerate(cells):
                if value is None:
                    continue
                if c == 3:
                    sheet.write_number(r, c, value, percent)
                elif c == 8:
                    sheet.write_datetime(r, c, value, date)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    os.replace(csv_path + ".tmp", csv_path)
    os.replace(xlsx_path + ".tmp", xlsx_path)
    return csv_path, xlsx_path


_READ = (
    "import sys; from cspolicy.cli.library import load_policy; from cspolicy.tables import read_table; "
    "spec = load_policy('materials-order').inputs['stations']; "
    "n = sum(1 for _ in read_table(sys.argv[1], spec).rows()); assert n == int(sys.argv[2]), n"
)
_CALAMINE = (
    "import sys, python_calamine as pc; s = pc.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0); "
    "n = sum(1 for _ in s.iter_rows()); assert n == int(sys.argv[2]) + 1, n"
)
_CLI = "from cspolicy.cli.main import main; main()"
_NORMAL_MODE = (
    "import functools, cspolicy.tables.excel_write as w; "
    "w.WorkbookWriter = functools.partial(w.WorkbookWriter, constant_memory=False); " + _CLI
)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    csv_path, xlsx_path = generate_files(args.rows)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    rss = bench_run.choose_rss("auto")
    py = sys.executable
    env = {**os.environ, "PYTHONPATH": REPO}
    result, normal = os.path.join(OUT, "result.xlsx"), os.path.join(OUT, "result-normal.xlsx")
    rows = str(args.rows)
    cases = {
        "read CSV (read_table)": [py, "-c", _READ, csv_path, rows],
        "read xlsx (read_table)": [py, "-c", _READ, xlsx_path, rows],
        "read xlsx (calamine only)": [py, "-c", _CALAMINE, xlsx_path, rows],
        "run CSV → CSV": [py, "-c", _CLI, "run", "materials-order", csv_path, "--only", "orders", "-o", OUT],
        "run xlsx → CSV": [py, "-c", _CLI, "run", "materials-order", xlsx_path, "--only", "orders", "-o", OUT],
        "run CSV → xlsx": [py, "-c", _CLI, "run", "materials-order", csv_path, "--only", "orders", "-o", result],
        "run CSV → xlsx (normal mode)": [
            *[py, "-c", _NORMAL_MODE, "run", "materials-order", csv_path, "--only", "orders", "-o", normal]
        ],
    }
    times: dict[str, list[float]] = {label: [] for label in cases}
    cpus: dict[str, list[float]] = {label: [] for label in cases}
    peaks: dict[str, list[int]] = {label: [] for label in cases}
    for _ in range(args.repeat):
        for label, cmd in cases.items():
            wall, cpu, kib = bench_run.run_child(cmd, env, os.path.join(OUT, "child.log"), rss)
            times[label].append(wall)
            cpus[label].append(cpu)
            peaks[label].append(kib)
    sizes = {"CSV": csv_path, "xlsx": xlsx_path, "written xlsx": result, "written xlsx (normal mode)": normal}
    print(f"{args.rows} rows × 10 columns; median of {args.repeat}; {bench_run.machine()}")
    print("| measurement | wall s | CPU s | peak RSS MiB |")
    print("|---|---:|---:|---:|")
    for label in cases:
        wall, cpu = statistics.median(times[label]), statistics.median(cpus[label])
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {max(peaks[label]) / 1024:.0f} |")
    print("sizes: " + ", ".join(f"{k} {os.path.getsize(v) / 2**20:.1f} MiB" for k, v in sizes.items()))
    shutil.rmtree(OUT, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
