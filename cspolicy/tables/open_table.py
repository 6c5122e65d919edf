"""Open a table file: a CSV file as a :class:`~cspolicy.tables.reader.Table`, a workbook
(``.xlsx``, ``.xls``, ``FILE.xlsx#Sheet``) as a :class:`~cspolicy.tables.excel_read.WorkbookTable`."""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections.abc import Callable

from cspolicy.errors import DataError, ErrorCollector
from cspolicy.tables.encoding import decode_error, detect_encoding, explicit_encoding
from cspolicy.tables.presets import resolve_preset
from cspolicy.tables.quoting import read_header
from cspolicy.tables.reader import SAMPLE, Table, match_headers
from cspolicy.tables.spec import TableSpec

__all__ = ["read_table"]


def read_table(
    path: str | os.PathLike[str],
    spec: TableSpec,
    *,
    encoding: str | None = None,
    errors: ErrorCollector | None = None,
    display_name: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Table:
    """Open a CSV table described by ``spec``: detect the encoding, match the header.

    Header and encoding problems raise :class:`~cspolicy.errors.DataError` here; cell
    problems are found while iterating :meth:`Table.rows`, and go to ``errors`` if given.
    ``progress`` is called about every 8192 rows with the bytes read so far.

    >>> table = read_table("stations.csv", spec)  # doctest: +SKIP
    >>> for row_number, (station, parcels) in table.rows(): ...  # doctest: +SKIP
    """
    path_text = os.fspath(path)
    if "#" in path_text and not os.path.exists(path_text):  # FILE.xlsx#Sheet
        from cspolicy.tables.excel_read import read_workbook  # here: only a workbook needs the Excel library

        return read_workbook(path_text, spec, display_name=display_name, errors=errors, progress=progress)
    name = display_name if display_name is not None else path_text
    chosen = explicit_encoding(encoding) if encoding is not None else None
    try:
        info = os.stat(path_text)
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            # a pipe (`<(…)`, /dev/stdin) gives its bytes once; the reader opens a file again
            raise DataError(
                "is a pipe or a device, not a file: cspolicy reads an input more than once",
                file=name,
                expected="the data saved to a file first (… > stations.csv), then that file",
            )
        size = info.st_size
        with open(path_text, "rb") as f:
            head = f.read(SAMPLE)
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    if not head.removeprefix(codecs.BOM_UTF8).strip():
        raise DataError("the file is empty", file=name, expected="a header row naming the columns")
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # an Excel workbook (.xlsx, .xls)
        from cspolicy.tables.excel_read import read_workbook

        return read_workbook(path_text, spec, display_name=display_name, errors=errors, progress=progress)
    if chosen is None:
        chosen = detect_encoding(head, complete=size <= len(head), name=name)
    try:
        with open(path_text, "rb") as binary, io.TextIOWrapper(binary, encoding=chosen, newline="") as text:
            header = read_header(text, name)
    except UnicodeError:
        raise decode_error(path_text, chosen, name, 1) from None
    except csv.Error as exc:
        raise DataError(f"cannot read the header row: {exc}", file=name, row=1) from None
    if not "".join(header).strip():
        raise DataError("the first row is empty", file=name, row=1, expected="the header row naming the columns in row 1")
    spec = resolve_preset(spec, header, name)
    header_map, ignored = match_headers(spec, header, name)
    headers = [h.strip() for h in header]
    return Table(spec, path_text, name, chosen, size, headers, header_map, ignored, errors, progress)
