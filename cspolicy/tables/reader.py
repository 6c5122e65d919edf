"""The one CSV reader (STYLE.md #2): every table cspolicy reads goes through :func:`read_table`.

It streams: ``csv.reader`` over an open text file, a header → index map and one converter
per column built once, so memory stays flat however long the file (no ``DictReader``, no
per-row model validation; see ``research/perf-notes.md``).

Decisions:

* **Encoding.** An explicit encoding is honoured (``utf-8`` is read as ``utf-8-sig`` so an
  Excel BOM is dropped). Otherwise the first 64 KiB decide: a UTF-8 BOM → ``utf-8-sig``;
  valid UTF-8 → ``utf-8``; else valid GB18030 (Excel's "CSV" in Chinese Windows) →
  ``gb18030``. UTF-8 is tried first because UTF-8 Chinese also "decodes" as GB18030, into
  mojibake. If a later part of the file does not decode, the reader stops with a
  :class:`DataError` naming the row and the fix; it never switches encoding mid-file.
* **Headers** match a column's name or aliases after NFKC, trimming, collapsing inner
  spaces and ignoring case, so ``票数 ``, ``票数（件）`` and ``Parcels`` find their column.
  Unknown headers are ignored (kept in :attr:`Table.ignored_headers`); header problems
  are raised at once, since no row can be read without the header.
* **Rows** are numbered as a spreadsheet shows them (header = 1, counting records).
  Completely empty rows are skipped anywhere in the file (Excel leaves ``,,,`` rows behind).
  A row with fewer cells than the header is an error; extra cells are allowed only if blank.
  A row with a bad cell is not yielded; every bad cell is reported.
* **Quotes.** A quote mark still open at the end of the file is refused at the row where it
  opened; other odd quoting (``"ab"c``) is read as Excel reads it (:mod:`~cspolicy.tables.quoting`).
* **Line breaks.** A cell may hold a line break only in a text column declared
  ``multiline: true``. Any other cell holding one — in a column the policy reads or not — is
  refused at the row where it starts: that is what a quote mark left open looks like (it
  swallows every following line into one cell, and those rows would silently be lost). The
  reader notices such a record because the CSV reader consumed more than one physical line
  for it (``csv.reader.line_num``), which costs nothing on ordinary rows.
* **Control characters** in a cell are refused by the converters (see
  :mod:`cspolicy.tables.chars`); NUL bytes are therefore not taken as a sign of UTF-16
  unless the file starts with a UTF-16 byte-order mark or they are a twentieth of its start.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import io
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from cspolicy.errors import DataError, DataErrors, ErrorCollector, PolicyError
from cspolicy.tables.chars import escaped
from cspolicy.tables.convert import CellError, Converter, fold, make_converter
from cspolicy.tables.encoding import decode_error, detect_encoding, explicit_encoding
from cspolicy.tables.presets import resolve_preset
from cspolicy.tables.quoting import LenientRecords, read_header
from cspolicy.tables.rowcode import RowConverter, RowPlan, row_converter
from cspolicy.tables.spec import ColumnSpec, TableSpec
from cspolicy.values import Value

__all__ = ["read_table", "Table", "detect_encoding", "Row", "RawRows"]

#: One data row: its spreadsheet row number and its values in ``spec.columns`` order.
Row = tuple[int, tuple[Value, ...]]


class RawRows(Protocol):
    """Raw cell lists that count the file lines they came from (what ``csv.reader`` returns:
    ``line_num``), so the fast path can tell a record that ran over several lines."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


_SAMPLE = 64 * 1024
_PROGRESS_EVERY = 8192


def _column_letter(index: int) -> str:
    """Excel's name of a 0-based column index (0 → A, 26 → AA), for messages."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Table:
    """An opened CSV table: its header matched to ``spec``, its rows read on demand.

    :meth:`rows` streams the file each time it is called. ``header_map`` maps each
    column name found to its 0-based index in the file; ``name`` is used in messages.
    """

    def __init__(
        self,
        spec: TableSpec,
        path: str,
        name: str,
        encoding: str,
        size: int,
        headers: Sequence[str],
        header_map: dict[str, int],
        ignored_headers: Sequence[str],
        errors: ErrorCollector | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.spec = spec
        self.path = path
        self.name = name
        self.encoding = encoding
        self.size = size
        self.headers = tuple(headers)
        self.header_map = header_map
        self.ignored_headers = tuple(ignored_headers)
        self.errors = errors
        self.progress = progress
        # (file index, converter, column, header as in the file) for each spec column.
        self._plan: list[tuple[int, Converter, ColumnSpec, str]] = []
        #: The file indexes of the columns whose cells may hold line breaks.
        self.multiline = frozenset(i for c in spec.columns if c.multiline and (i := header_map.get(c.name)) is not None)
        for col in spec.columns:
            index = header_map.get(col.name)
            if index is None:
                default: Value = col.default

                def constant(_cell: str, value: Value = default) -> Value:
                    return value

                self._plan.append((0, constant, col, ""))
            else:
                self._plan.append((index, make_converter(col), col, self.headers[index]))

    def row_plan(self) -> RowPlan:
        """Each spec column's file index (None if absent), converter and spec (for generated code)."""
        return [(index if col.name in self.header_map else None, conv, col) for index, conv, col, _ in self._plan]

    def _row_converter(self) -> RowConverter:
        """One generated function converting a row's cells, each column's fast path inline
        (:mod:`cspolicy.tables.rowcode`); a bad cell raises its converter's CellError."""
        return row_converter(self.row_plan())

    def __repr__(self) -> str:
        return f"<Table {self.spec.name!r} from {self.name!r} ({self.encoding})>"

    @contextlib.contextmanager
    def raw_cells(self) -> Iterator[RawRows]:
        """The data rows as raw cell lists, unchecked: for a fast path that hands any
        irregular row (wrong width, blank, bad cell, bad bytes, a record over several lines)
        back to :meth:`rows`. The reader comes with the header read: if its ``line_num`` is
        ``h`` then, the ``n``-th data record (from 1) was one line exactly when ``line_num``
        is ``h + n`` after it."""
        with open(self.path, "rb") as binary, io.TextIOWrapper(binary, encoding=self.encoding, newline="") as text:
            reader = csv.reader(text, strict=True)  # irregular quoting raises: rows() says what it is
            next(reader, None)
            yield reader

    def rows(self) -> Iterator[Row]:
        """Yield ``(row number, values)`` for every good data row, in file order.

        Bad cells and rows go to the collector given to :func:`read_table`; without one,
        a :class:`~cspolicy.errors.DataErrors` is raised after the last row.
        """
        collector = self.errors if self.errors is not None else ErrorCollector()
        width = len(self.headers)
        convert_row = self._row_converter()
        progress = self.progress
        number = 1
        with open(self.path, "rb") as binary, io.TextIOWrapper(binary, encoding=self.encoding, newline="") as text:
            src: RawRows = csv.reader(text, strict=True)  # a quote open at the end raises
            lenient: LenientRecords | None = None
            offset: int | None = None  # line_num - number, while every record is one line
            try:
                while True:
                    try:
                        if offset is None:
                            next(src, None)
                            offset = src.line_num - 1
                        start = number + 1  # the row after the last one read
                        for number, cells in enumerate(src, start):
                            if progress is not None and not number & (_PROGRESS_EVERY - 1):
                                progress(binary.tell())
                            if src.line_num - number != offset:  # the record ran over several lines
                                first = number + offset
                                offset = src.line_num - number
                                if self._line_breaks(number, cells, first, src.line_num, collector):
                                    continue
                            if lenient is not None and lenient.unclosed:  # one line, or a multiline column
                                self._unclosed_quote(number, cells, lenient.first, src.line_num, collector)
                                continue
                            if len(cells) != width:
                                cells = self._fit(number, cells, width, collector)
                                if not cells:
                                    continue
                            elif not cells[0] and not any(cells):
                                continue
                            try:
                                values = convert_row(cells)
                            except CellError:
                                self._report(number, cells, collector)
                                continue
                            yield number, values
                        break
                    except csv.Error:
                        if lenient is not None:
                            raise
                        # odd quoting ("ab"c): read on as Excel reads it, from the record that failed
                        src = lenient = LenientRecords(text, self.path, self.encoding, 0 if offset is None else number)
            except UnicodeError:
                error = decode_error(self.path, self.encoding, self.name, number + 1)
                if self.errors is None and collector:
                    truncated = collector.count - len(collector.errors)
                    raise DataErrors([*collector.errors, error], truncated=truncated) from None
                raise error from None
            except csv.Error as exc:
                raise DataError(
                    f"cannot read the row: {exc}",
                    file=self.name,
                    row=number + 1,
                    expected='a well-formed CSV; a quote mark (") opened in this row may be missing its partner',
                ) from None
        if progress is not None:
            progress(self.size)
        if self.errors is None:
            collector.raise_if_any()

    def _unclosed_quote(self, number: int, cells: list[str], first: int, last: int, collector: ErrorCollector) -> None:
        """Report the last cell of the file's last record, whose quote mark is never closed."""
        index = max(len(cells) - 1, 0)
        header = self.headers[index] if index < len(self.headers) and self.headers[index] else _column_letter(index)
        cell = cells[index] if cells else ""
        start = cell.splitlines()[0] if cell.strip() else ""
        shown = escaped(start if len(start) <= 30 else start[:27] + "…")
        runs = "" if first == last else f", so it runs to the end of the file (lines {first} to {last}), swallowing the rows"
        collector.add(
            DataError(
                f"the cell '\"{shown}…' opens a quote mark (\") that is never closed{runs}",
                file=self.name,
                row=number,
                column=header,
                value=cell[:200],
                expected='the closing quote mark at the end of the cell ("…"), or no quote mark at its start',
            )
        )

    def _line_breaks(self, number: int, cells: list[str], first: int, last: int, collector: ErrorCollector) -> bool:
        """Report each cell of a record over lines ``first``–``last`` that holds a line break
        outside a multiline column; True when there was one (the row is then skipped)."""
        bad = False
        for index, cell in enumerate(cells):
            if index in self.multiline or ("\n" not in cell and "\r" not in cell):
                continue
            bad = True
            header = self.headers[index] if index < len(self.headers) and self.headers[index] else _column_letter(index)
            start = cell.splitlines()[0] if cell.strip() else ""
            shown = escaped(start if len(start) <= 30 else start[:27] + "…")
            collector.add(
                DataError(
                    f"the cell '{shown}…' holds a line break and runs from line {first} to line {last} of the file: "
                    "a line break typed into the cell (Alt+Enter in Excel), or "
                    'a quote mark (") opened in it and not closed, which swallows the rows after it into this one cell',
                    file=self.name,
                    row=number,
                    column=header,
                    value=cell[:200],  # (it may hold the rest of the file)
                    expected="one line per cell: close or remove the quote mark, or remove the line break "
                    "(Alt+Enter in Excel); a text column whose cells may span lines needs multiline: true in the policy",
                )
            )
        return bad

    def _fit(self, number: int, cells: list[str], width: int, collector: ErrorCollector) -> list[str]:
        """A row of the wrong length: trim blank extra cells, or report it (returns [])."""
        if not any(cells):
            return []
        if len(cells) > width and not "".join(cells[width:]).strip():
            return cells[:width]
        if "".join(cells).strip():
            collector.add(
                DataError(
                    f"row has {len(cells)} cells, the header has {width}",
                    file=self.name,
                    row=number,
                    expected=f"{width} cells like the header; a cell may hold an unquoted comma",
                )
            )
        return []

    def _report(self, number: int, cells: list[str], collector: ErrorCollector) -> None:
        """Add one DataError per bad cell of a row (a row of only spaces is skipped)."""
        if not "".join(cells).strip():
            return
        for index, conv, col, header in self._plan:
            self._report_cell(number, cells[index], conv, col, header, collector)

    def _report_cell(
        self, number: int, cell: str, conv: Converter, col: ColumnSpec, header: str, collector: ErrorCollector
    ) -> None:
        """Add a DataError for ``cell`` if its column's converter refuses it."""
        try:
            conv(cell)
        except CellError as exc:
            collector.add(
                DataError(
                    f"column '{col.name}': {exc.message}",
                    file=self.name,
                    row=number,
                    column=header,
                    value=cell,
                    expected=exc.expected,
                )
            )


def _match_headers(spec: TableSpec, headers: Sequence[str], name: str) -> tuple[dict[str, int], list[str]]:
    """Map spec columns to file columns; raise every header problem together."""
    lookup: dict[str, ColumnSpec] = {}
    for col in spec.columns:
        for header in col.headers:
            other = lookup.setdefault(fold(header), col)
            if other is not col:
                raise PolicyError(
                    f"table '{spec.name}': header '{header}' names both column '{other.name}' and column '{col.name}'"
                )
    found: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[DataError] = []
    for index, raw in enumerate(headers):
        key = fold(raw)
        if not key:
            continue
        match = lookup.get(key)
        if match is None:
            ignored.append(raw.strip())
        elif match.name in found:
            first = found[match.name]
            problems.append(
                DataError(
                    f"headers '{headers[first].strip()}' (column {_column_letter(first)}) and '{raw.strip()}' "
                    f"(column {_column_letter(index)}) both name column '{match.name}'",
                    file=name,
                    row=1,
                    expected="one of them only; delete or rename the other",
                )
            )
        else:
            found[match.name] = index
    folded_ignored = {fold(h): h for h in ignored}
    for col in spec.columns:
        if col.name in found or not col.required:
            continue
        close = [m for h in col.headers for m in difflib.get_close_matches(fold(h), folded_ignored, n=1, cutoff=0.75)]
        hint = f"; the file has a similar header '{folded_ignored[close[0]]}'" if close else ""
        problems.append(
            DataError(
                f"missing required column '{col.name}' (header one of: {', '.join(col.headers)}){hint}",
                file=name,
                row=1,
            )
        )
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DataErrors(problems)
    return found, ignored


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
        from cspolicy.tables.excel_read import read_workbook

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
            head = f.read(_SAMPLE)
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
    header_map, ignored = _match_headers(spec, header, name)
    headers = [h.strip() for h in header]
    return Table(spec, path_text, name, chosen, size, headers, header_map, ignored, errors, progress)
