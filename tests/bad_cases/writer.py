"""Catalogue cases for writing outputs (issue 14 §3, §4): a place that cannot hold the
outputs (exit 3, naming the path), ``-o`` naming an input and ``--limit`` misused (exit 2).
Every case also checks that no file appeared: no output, no temporary file, no lock file."""

from __future__ import annotations

from .common import GOOD, Case


def run(*args: str) -> list[str]:
    return ["run", "materials-order", *args]


STATIONS = {"stations.csv": GOOD}

CASES = [
    # --- the place cannot hold the outputs (exit 3) --------------------------------------------
    Case(
        "dir-in-the-way-of-the-second-output",
        run("stations.csv", "-o", "outdir"),
        3,
        ["outdir/materials.csv: is a directory, where an output file should go"],
        files={**STATIONS, "outdir/orders.csv": "old orders", "outdir/materials.csv/keep.txt": ""},
        lines=1,
    ),
    Case(
        "dir-in-the-way-of-a-json-file",
        run("stations.csv", "-o", "out.json"),
        3,
        ["out.json: is a directory, where an output file should go"],
        files={**STATIONS, "out.json/keep.txt": ""},
        lines=1,
    ),
    Case(
        "dir-in-the-way-of-a-csv-file",
        run("stations.csv", "-o", "orders.csv", "--only", "orders"),
        3,
        ["orders.csv: is a directory"],
        files={**STATIONS, "orders.csv/keep.txt": ""},
    ),
    Case(
        "json-into-a-missing-directory",
        run("stations.csv", "-o", "nosuch/out.json"),
        3,
        ["nosuch: the directory does not exist; create it or write elsewhere"],
        files=STATIONS,
        lines=1,
    ),
    Case(
        "csv-into-a-missing-directory",
        run("stations.csv", "-o", "nosuch/orders.csv", "--only", "orders"),
        3,
        ["nosuch: the directory does not exist"],
        files=STATIONS,
    ),
    Case(
        "json-into-a-file-as-directory",
        run("stations.csv", "-o", "afile/out.json"),
        3,
        ["afile: is not a directory"],
        files={**STATIONS, "afile": "x"},
    ),
    Case(
        "output-dir-is-a-file",
        run("stations.csv", "-o", "outdir"),
        3,
        ["outdir: is a file, where the output directory should go", "name a .csv, .json or .xlsx file"],
        files={**STATIONS, "outdir": "x"},
        lines=1,
    ),
    Case(
        "output-dir-under-a-file",
        run("stations.csv", "-o", "afile/sub"),
        3,
        ["afile: is not a directory"],
        files={**STATIONS, "afile": "x"},
    ),
    Case(
        "unreadable-journal-in-the-output-dir",
        run("stations.csv", "-o", "outdir"),
        3,
        [".cspolicy-journal: a journal of an unfinished earlier run cannot be read", "then delete the journal"],
        files={**STATIONS, "outdir/orders.csv": "old", "outdir/.cspolicy-journal": "{not json"},
    ),
    # --- -o naming an input (exit 2, before anything is read or written) ------------------------
    Case(
        "output-is-the-input",
        run("stations.csv", "-o", "stations.csv", "--only", "orders"),
        2,
        ["-o stations.csv: would replace the input file stations.csv of 'stations'", "none of the input files"],
        files=STATIONS,
        lines=1,
    ),
    Case(
        "output-is-the-input-by-another-path",
        run("stations=stations.csv", "-o", "sub/../stations.csv", "--only", "orders"),
        2,
        ["would replace the input file stations.csv"],
        files={**STATIONS, "sub/keep.txt": ""},
    ),
    Case(
        "output-dir-holds-the-input",
        run("outdir/orders.csv", "-o", "outdir"),
        2,
        ["-o outdir: would replace the input file outdir/orders.csv", "is a file of that directory"],
        files={"outdir/orders.csv": GOOD},
    ),
    Case(
        "json-output-is-the-input",
        run("stations.json", "-o", "stations.json"),
        2,
        ["would replace the input file stations.json"],
        files={"stations.json": GOOD},
    ),
    # --- --limit (exit 2) -------------------------------------------------------------------------
    Case("limit-negative", run("stations.csv", "--limit", "-1"), 2, ["--limit -1"], files=STATIONS, add_output=False),
    Case("limit-not-a-number", run("stations.csv", "--limit", "abc"), 2, ["--limit"], files=STATIONS, add_output=False),
    Case(
        "limit-with-an-output-file",
        run("stations.csv", "--limit", "5", "-o", "out.json"),
        2,
        ["--limit applies to the table shown on the terminal"],
        files=STATIONS,
    ),
    Case(
        "limit-with-csv-on-stdout",
        run("stations.csv", "--limit", "5", "--format", "csv", "--only", "orders"),
        2,
        ["--limit applies to the table"],
        files=STATIONS,
        add_output=False,
    ),
]
