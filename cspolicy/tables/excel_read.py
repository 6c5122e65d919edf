"""Excel workbooks as input: ``stations.xlsx`` (its first sheet) or ``stations.xlsx#Sheet2``.

HR's files are Excel. :func:`read_workbook` opens a sheet with python-calamine (imported only
here, only when a workbook is read) and turns every cell into the text a CSV export would
hold, so the very converters of the CSV reader type it: one set of rules, one set of
messages. :class:`WorkbookTable` is a :class:`~cspolicy.tables.reader.Table` whose rows come
from the sheet; errors name ``file#sheet:row:column`` with rows numbered as Excel shows them.

Decisions (see ``docs/decisions.md``, "Excel"):

* **Numbers.** Excel keeps doubles and shows at most 15 significant digits. A whole number
  below 10**15 (``17.0``) is written as the integer it is (``17``); any other number as its
  15-significant-digit text (``format(x, ".15g")``, in plain notation), which is exactly what
  was typed for a typed number (every decimal of up to 15 digits survives the double) and
  what Excel's formula bar shows for a computed one: ``=0.1+0.2`` is stored as
  0.30000000000000004 and read as ``0.3``. The text then goes to ``Decimal``, never float
  arithmetic.
* **Dates** from date cells are ISO dates; a date with a time of day other than midnight is
  ``2024-03-15 09:30:00``, which a date column rejects (as in CSV). A percent cell holds the
  fraction (``15%`` is ``0.15``), read as the CSV reader reads a bare ``0.15``. ``TRUE`` and
  ``FALSE`` cells are those words. An empty cell is a blank.
* **Error cells** (``#DIV/0!``, ``#N/A`` …) and formulas that were never calculated are data
  errors in the columns the policy reads (python-calamine would give blanks;
  :mod:`cspolicy.tables.excel_scan` finds them).
* **Which sheet.** The first sheet in tab order, unless ``#Sheet`` names one (exact name, else
  the one name equal ignoring case); an unknown name lists the sheets. Row 1 is the header,
  as in CSV. A hidden or chart first sheet is refused rather than read unseen.
* **Formats.** ``.xlsx`` and ``.xlsm`` only: for ``.xls`` (Excel 97-2003), ``.xlsb`` and
  ``.ods`` python-calamine also turns error cells into blanks and there is no cheap check,
  so they are refused with "Save As .xlsx". ``--encoding`` does not apply to workbooks.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import difflib
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from cspolicy.errors import DataError, ErrorCollector
from cspolicy.tables.convert import CellError
from cspolicy.tables.excel_scan import sheet_member, unreadable_cells
from cspolicy.tables.presets import resolve_preset
from cspolicy.tables.reader import RawRows, Row, Table, match_headers
from cspolicy.tables.spec import TableSpec

__all__ = ["read_workbook", "WorkbookTable", "cell_text", "split_sheet", "workbook_file"]

_PROGRESS_EVERY = 8192
_SAVE_AS = 'in Excel use Save As › "Excel Workbook (*.xlsx)"'
_SAVE_AS_CSV = 'an .xlsx saved by Excel, or a CSV file (Save As › "CSV UTF-8 (Comma delimited)")'


def _float_text(value: float) -> str:
    if value.is_integer() and -1e15 < value < 1e15:
        return str(int(value))  # exact; -0.0 gives '0'
    text = format(value, ".15g")
    if "e" in text:
        text = format(Decimal(text), "f")  # plain notation: the converters refuse exponents
    return text


def cell_text(value: Any) -> str:
    """The text of one cell as python-calamine gives it, for the CSV converters.

    >>> cell_text(17.0), cell_text(0.1 + 0.2), cell_text(1e-7), cell_text(_dt.date(2024, 3, 5))
    ('17', '0.3', '0.0000001', '2024-03-05')
    """
    cls = value.__class__
    if cls is str:
        return value  # type: ignore[no-any-return]
    if cls is float:
        return _float_text(value)
    if cls is bool:
        return "TRUE" if value else "FALSE"
    if cls is int:
        return str(value)
    if cls is _dt.datetime:
        return value.isoformat(" ") if value.time() != _dt.time() else value.date().isoformat()  # type: ignore[no-any-return]
    if cls is _dt.date or cls is _dt.time:
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)


def split_sheet(path: str) -> tuple[str, str | None]:
    """``'a.xlsx#Pay'`` → ``('a.xlsx', 'Pay')``: the first part before a ``#`` that is an
    existing file names the file; a path that exists as given is a file, not a sheet.

    >>> split_sheet("no-such-dir/a.xlsx")
    ('no-such-dir/a.xlsx', None)
    """
    if "#" not in path or os.path.exists(path):
        return path, None
    at = path.find("#")
    while at >= 0:
        if os.path.isfile(path[:at]):
            return path[:at], path[at + 1 :]
        at = path.find("#", at + 1)
    return path, None


def workbook_file(path: str | os.PathLike[str]) -> str:
    """The file part of ``FILE.xlsx#Sheet`` (the path itself for anything else)."""
    return split_sheet(os.fspath(path))[0]


def _refuse_format(head: bytes, file: str, name: str) -> zipfile.ZipFile:
    """Open an .xlsx/.xlsm as a zip, or raise the DataError saying what the file is instead."""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(
            "this is an old Excel workbook (.xls, Excel 97-2003) or a password-protected one, which cspolicy does not read",
            file=name,
            expected=f"an .xlsx without a password; {_SAVE_AS}",
        )
    if not head.startswith(b"PK\x03\x04"):
        raise DataError("'#' names a sheet, but this is not an Excel workbook", file=name, expected="FILE.xlsx#SHEET")
    try:
        book = zipfile.ZipFile(file)
        names = set(book.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(f"this looks like an Excel workbook but is damaged ({exc})", file=name, expected=_SAVE_AS_CSV) from None
    if "xl/workbook.bin" in names:
        book.close()
        raise DataError(
            "this is a binary Excel workbook (.xlsb), which cspolicy does not read", file=name, expected=f"an .xlsx; {_SAVE_AS}"
        )
    if "mimetype" in names and "content.xml" in names:
        book.close()
        raise DataError(
            "this is an OpenDocument spreadsheet (.ods), which cspolicy does not read",
            file=name,
            expected=f"an .xlsx; {_SAVE_AS}",
        )
    return book


def _open_sheet(file: str, name: str, wanted: str | None) -> tuple[Any, str, int]:
    """The calamine sheet, its name and its index in tab order."""
    import python_calamine

    try:
        if os.path.splitext(file)[1].lower() in (".xlsx", ".xlsm"):
            book = python_calamine.CalamineWorkbook.from_path(file)
        else:  # a workbook named .csv or .dat: calamine finds the format from the content
            with open(file, "rb") as f:
                book = python_calamine.CalamineWorkbook.from_filelike(f)
    except (python_calamine.CalamineError, OSError, ValueError, TypeError) as exc:
        raise DataError(
            f"this looks like an Excel workbook but cannot be read ({exc})", file=name, expected=_SAVE_AS_CSV
        ) from None
    sheets: list[str] = list(book.sheet_names)
    listed = ", ".join(f"'{s}'" for s in sheets)
    if wanted is None:
        if not sheets:
            raise DataError("the workbook has no sheets", file=name)
        index = 0
        meta = book.sheets_metadata[0]
        if meta.visible != python_calamine.SheetVisibleEnum.Visible or meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            raise DataError(
                f"the first sheet '{sheets[0]}' is hidden or is not a worksheet",
                file=name,
                expected=f"the sheet to read named as {os.path.basename(file)}#SHEET; the sheets are {listed}",
            )
    elif wanted in sheets:
        index = sheets.index(wanted)
    else:
        folded = [i for i, s in enumerate(sheets) if s.casefold() == wanted.casefold()]
        if len(folded) != 1:
            close = difflib.get_close_matches(wanted, sheets, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise DataError(f"no sheet named '{wanted}'{hint}", file=name, expected=f"one of the sheets {listed}")
        index = folded[0]
    try:
        sheet = book.get_sheet_by_index(index)
    except python_calamine.CalamineError as exc:
        raise DataError(f"sheet '{sheets[index]}' cannot be read ({exc})", file=name, expected=_SAVE_AS_CSV) from None
    return sheet, sheets[index], index


class WorkbookTable(Table):
    """A sheet of a workbook, read like a CSV table (see the module notes).

    ``unreadable`` maps a 1-based row number to the cells of that row that hold an Excel
    error or an uncalculated formula: ``{row: [(0-based column, error text or "")]}``.
    """

    def __init__(self, *args: Any, sheet: Any, first_column: int, unreadable: dict[int, list[tuple[int, str]]]) -> None:
        super().__init__(*args)
        self.sheet = sheet
        self.first_column = first_column
        self.unreadable = unreadable
        read = {index for index, _conv, col, _ in self._plan if col.name in self.header_map}
        self._blocked = {row: cells for row, cells in unreadable.items() if any(c in read for c, _ in cells)}

    def __repr__(self) -> str:
        return f"<WorkbookTable {self.spec.name!r} from {self.name!r}>"

    def _text_rows(self) -> Iterator[list[str]]:
        """Every row after the header as cell texts, as wide as the header."""
        rows = iter(self.sheet.iter_rows())
        next(rows, None)
        pad = [""] * self.first_column
        text = cell_text
        for row in rows:
            yield pad + [c if c.__class__ is str else text(c) for c in row]

    @contextlib.contextmanager
    def raw_cells(self) -> Iterator[RawRows]:
        """The data rows as cell texts for the fused loop, without trailing blank rows.
        A sheet with an unreadable cell in a column the policy reads has no clean rows:
        this raises, and the careful :meth:`rows` reports the cells."""
        if self._blocked:
            raise DataError("the sheet has Excel errors; the careful reader reports them", file=self.name)

        def trimmed() -> Iterator[list[str]]:
            held: list[list[str]] = []
            for cells in self._text_rows():
                if not any(cells):
                    held.append(cells)
                    continue
                if held:
                    yield from held
                    held.clear()
                yield cells

        yield _LineCounter(trimmed())

    def rows(self) -> Iterator[Row]:
        """Yield ``(row number, values)`` for every good data row (see :meth:`Table.rows`)."""
        collector = self.errors if self.errors is not None else ErrorCollector()
        convert_row = self._row_converter()
        progress = self.progress
        height = max(self.sheet.height, 1)
        blocked = self._blocked
        for number, cells in enumerate(self._text_rows(), 2):
            if progress is not None and not number & (_PROGRESS_EVERY - 1):
                progress(self.size * number // height)
            if not cells[0] and not any(cells):
                continue
            if number in blocked:
                self._report_unreadable(number, cells, blocked[number], collector)
                continue
            try:
                values = convert_row(cells)
            except CellError:
                self._report(number, cells, collector)
                continue
            yield number, values
        if progress is not None:
            progress(self.size)
        if self.errors is None:
            collector.raise_if_any()

    def _report_unreadable(self, number: int, cells: list[str], bad: list[tuple[int, str]], collector: ErrorCollector) -> None:
        """Report a row's error cells and uncalculated formulas, then its other bad cells."""
        errors = dict(bad)
        for index, conv, col, header in self._plan:
            if col.name not in self.header_map:
                continue
            if index in errors:
                value = errors[index]
                if value:
                    message, expected = f"the cell holds the Excel error {value}", "a value; correct the formula in Excel"
                else:
                    message, expected = (
                        "the formula in the cell has no calculated value",
                        "a value; open the file in Excel and save it",
                    )
                collector.add(
                    DataError(
                        f"column '{col.name}': {message}",
                        file=self.name,
                        row=number,
                        column=header,
                        value=value,
                        expected=expected,
                    )
                )
                continue
            self._report_cell(number, cells[index], conv, col, header, collector)


def read_workbook(
    path: str | os.PathLike[str],
    spec: TableSpec,
    *,
    display_name: str | None = None,
    errors: ErrorCollector | None = None,
    progress: Callable[[int], None] | None = None,
) -> WorkbookTable:
    """Open a sheet of an .xlsx/.xlsm workbook (``FILE.xlsx`` or ``FILE.xlsx#Sheet``) as a table.

    Messages name the place as ``FILE.xlsx#Sheet``. Called by
    :func:`~cspolicy.tables.open_table.read_table` for a file that starts like a workbook, and
    for ``FILE#SHEET``.
    """
    file, wanted = split_sheet(os.fspath(path))
    shown = display_name if display_name is not None else os.fspath(path)
    base = shown if wanted is None else shown[: len(shown) - len(wanted) - 1] if shown.endswith("#" + wanted) else shown
    try:
        size = os.stat(file).st_size
        with open(file, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", file=base) from None
    with _refuse_format(head, file, base) as book:
        sheet, sheet_name, index = _open_sheet(file, base, wanted)
        member = sheet_member(book, index)
        if member is None:
            raise DataError(f"sheet '{sheet_name}' cannot be found in the workbook", file=base, expected=_SAVE_AS_CSV)
        found, unplaced = unreadable_cells(book, member)
    name = f"{base}#{sheet_name}"
    if unplaced:
        raise DataError(f"the sheet holds Excel errors or uncalculated formulas ({', '.join(unplaced)})", file=name)
    start = sheet.start
    if start is None:
        raise DataError("the sheet is empty", file=name, expected="a header row naming the columns in row 1")
    first_row, first_column = start
    header_cells: list[Any] = next(iter(sheet.iter_rows()), []) if first_row == 0 else []
    header = [""] * first_column + [cell_text(c) for c in header_cells]
    if not "".join(header).strip():
        raise DataError("the first row is empty", file=name, row=1, expected="the header row naming the columns in row 1")
    spec = resolve_preset(spec, header, name)
    header_map, ignored = match_headers(spec, header, name)
    unreadable: dict[int, list[tuple[int, str]]] = {}
    for row, column, value in found:
        unreadable.setdefault(row + 1, []).append((column, value))
    headers: Sequence[str] = [h.strip() for h in header]
    return WorkbookTable(
        spec,
        file,
        name,
        "utf-8",
        size,
        headers,
        header_map,
        ignored,
        errors,
        progress,
        sheet=sheet,
        first_column=first_column,
        unreadable=unreadable,
    )


class _LineCounter:
    """Sheet rows counted like CSV lines (:class:`~cspolicy.tables.reader.RawRows`): one per
    row, plus one per line break inside a cell, so that the fast path hands a row with a
    multi-line cell to the careful reader exactly as it does for CSV."""

    def __init__(self, rows: Iterator[list[str]]) -> None:
        self._rows = rows
        self.line_num = 1  # the header row

    def __iter__(self) -> _LineCounter:
        return self

    def __next__(self) -> list[str]:
        cells = next(self._rows)
        self.line_num += 1 + "".join(cells).count("\n")
        return cells
