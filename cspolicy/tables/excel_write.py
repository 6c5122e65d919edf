"""Excel workbooks as output: any policy's outputs in one ``.xlsx``, one sheet per output.

:class:`WorkbookWriter` streams rows into an xlsxwriter workbook (imported only here, only
when a workbook is written) that is written into a stream the caller gives, normally a
temporary file of :class:`~cspolicy.tables.writer.AtomicFiles`, so a workbook is replaced
all or nothing like every other output. :func:`write_workbook` does that for rows already
in hand.

Decisions (see ``docs/decisions.md``, "Excel"):

* **Cells are typed.** Money is a number formatted ``#,##0.00``; percentages are numbers in
  a percent format (``0.155`` shown as ``15.5%``); integers, decimals and quantities are
  numbers shown with the places the CSV shows (``12.50`` → ``0.00``); dates are date cells
  (``yyyy-mm-dd``); yes/no are Excel's ``TRUE``/``FALSE``; a blank is an empty cell. Excel
  holds numbers as doubles and shows 15 significant digits: a figure with more digits
  (only unrounded ratios have them) keeps its exact text in CSV and JSON only.
* **Text is text.** Every text cell is written with ``write_string``, so ``=1+1`` is never a
  formula, and the CSV writer's :func:`~cspolicy.tables.writer.neutralise_formula` prefixes
  ``'`` to text starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return, so that the cell stays inert if the sheet is saved
  as CSV and opened again.
* **Layout.** The header row is bold and frozen; each column is as wide as its widest cell
  in display width (a Chinese character counts two, via ``wcwidth``) plus 2, at most
  :data:`MAX_WIDTH`. xlsxwriter's ``autofit`` is not used: it counts a Chinese character as
  one and is not available in constant-memory mode.
* **Memory.** Rows are written in xlsxwriter's ``constant_memory`` mode, always: the row
  count is not known when the first row arrives, and the mode keeps memory flat (each row
  goes to a temporary file as soon as the next begins; strings are stored inline).
* **Sheet names** are the output names made valid for Excel (:func:`sheet_names`).
* **Deterministic.** The workbook's "created" property is fixed, so the same rows give a
  byte-identical file, as for CSV.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import IO, Any

from cspolicy.errors import UsageError
from cspolicy.tables.writer import AtomicFiles, Columns, neutralise_formula
from cspolicy.text import format_value, number_text, percent_text
from cspolicy.values import ColumnType, Kind, Value

__all__ = ["WorkbookWriter", "SheetWriter", "write_workbook", "sheet_names", "display_width", "MAX_WIDTH"]

#: The widest a column is made, in characters of the default font.
MAX_WIDTH = 80
#: Data rows an Excel sheet holds (1 048 576 rows, less the header), and characters in a cell.
MAX_ROWS = 1_048_575
MAX_CELL_CHARS = 32_767
_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
_CREATED = _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen: a Chinese character two, the widest line of several.

    >>> display_width("票数"), display_width("ab\\n票")
    (4, 2)
    """
    if text.isascii() and "\n" not in text:
        return len(text)
    from wcwidth import wcwidth

    return max(sum(max(wcwidth(c), 0) for c in line) for line in text.split("\n"))


def sheet_names(names: Sequence[str]) -> list[str]:
    """Valid, distinct Excel sheet names for ``names``, in order.

    Excel forbids ``[]:*?/\\``, more than 31 characters, a leading or trailing ``'``, the
    name ``History`` and two names equal ignoring case. Forbidden characters become ``_``;
    a name is cut to 31 characters; a repeat gets ``~2``, ``~3`` … within the 31.

    >>> sheet_names(["orders", "a/b", "ORDERS", "x" * 40])
    ['orders', 'a_b', 'ORDERS~2', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """
    out: list[str] = []
    taken: set[str] = set()
    for raw in names:
        name = raw.translate(_FORBIDDEN).strip("'")[:31].strip("'") or "Sheet"
        if name.casefold() == "history":
            name = name + "_"
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"~{n}"
            candidate = name[: 31 - len(suffix)] + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


class SheetWriter:
    """One output's sheet: :meth:`write` appends a row of values in column order."""

    def __init__(
        self,
        book: WorkbookWriter,
        sheet: Any,
        columns: Columns,
        *,
        headers: Sequence[str] | None = None,
        cells: Sequence[Mapping[str, str] | None] | None = None,
    ) -> None:
        self.name: str = sheet.name
        self._book = book
        self._sheet = sheet
        self.columns = tuple(columns)
        self.headers = list(headers) if headers is not None else [name for name, _ in self.columns]
        self.maps = list(cells) if cells is not None else [None] * len(self.columns)
        if len(self.headers) != len(self.columns) or len(self.maps) != len(self.columns):
            raise ValueError(f"{len(self.headers)} headers and {len(self.maps)} cell maps for {len(self.columns)} columns")
        self.count = 0
        #: The rows this sheet may hold, when not :data:`MAX_ROWS` (a summary of a few rows).
        self.max_rows: int | None = None
        self.widths = [display_width(h) for h in self.headers]
        bold = book.format(("header", 0))
        for j, header in enumerate(self.headers):
            sheet.write_string(0, j, header, bold)
        sheet.freeze_panes(1, 0)
        self._cells = [self._cell_writer(j, ctype) for j, (_, ctype) in enumerate(self.columns)]

    def _cell_writer(self, j: int, ctype: ColumnType) -> Callable[[int, Value], None]:
        """The function writing column ``j``'s value at a row and widening the column: a fast
        path for the value class of the column's type, :func:`other` for everything else."""
        sheet, widths, book = self._sheet, self.widths, self._book
        maps = self.maps[j] or None
        string, number, date_cell, boolean = sheet.write_string, sheet.write_number, sheet.write_datetime, sheet.write_boolean
        date_format = book.format(("date", 0))
        family = "percent" if ctype is ColumnType.PERCENT else "money" if ctype is ColumnType.MONEY else "number"
        formats: dict[int, Any] = {}

        def fmt(places: int) -> Any:
            found = formats.get(places)
            if found is None:
                found = formats[places] = book.format((family, places))
            return found

        def other(row: int, value: Value) -> None:
            if value is None:
                return
            if value is True or value is False:
                boolean(row, j, value)
                width = 5
            elif isinstance(value, _dt.datetime) and value.year >= 1900:
                date_cell(row, j, value, book.format(("datetime", 0)))
                width = 19
            elif isinstance(value, _dt.date) and value.year >= 1900:
                date_cell(row, j, value, date_format)
                width = 10
            elif isinstance(value, Decimal) and value.is_finite():
                if family == "percent":
                    return percent_cell(row, value)
                return number_cell(row, value)
            else:
                text = neutralise_formula(format_value(value, ctype))
                if len(text) > MAX_CELL_CHARS:
                    raise self._too_long(row, j)
                string(row, j, text)
                width = display_width(text)
            if width > widths[j]:
                widths[j] = width

        memo: dict[Decimal, tuple[int, Any, float]] = {}

        def percent_cell(row: int, value: Value) -> None:
            if value.__class__ is not Decimal:
                return other(row, value)
            found = memo.get(value)
            if found is None:
                if not value.is_finite():
                    return string(row, j, str(value))  # type: ignore[no-any-return]
                text = percent_text(value)
                places = len(text) - text.find(".") - 2 if "." in text else 0
                found = (len(text), fmt(min(places, 15)), float(value) or 0.0)
                if len(memo) < 4096:
                    memo[value] = found
            width, cell_format, x = found
            number(row, j, x, cell_format)
            if width > widths[j]:
                widths[j] = width

        money = family == "money"

        def number_cell(row: int, value: Value) -> None:
            if value.__class__ is not Decimal:
                return other(row, value)
            text = str(value)
            if "E" in text or "N" in text or "n" in text:  # an exponent, NaN or Infinity
                if not value.is_finite():
                    return string(row, j, text)  # type: ignore[no-any-return]
                text = number_text(value)
            point = text.find(".")
            places = 0 if point < 0 else len(text) - point - 1
            number(row, j, float(value) or 0.0, fmt(min(places, 15)))
            width = len(text)
            if money:  # shown as 1,234.50: separators, at least two places
                whole = (point if point >= 0 else width) - (text[0] == "-")
                width += (whole - 1) // 3 + (2 - places if places < 2 else 0) + (point < 0)
            if width > widths[j]:
                widths[j] = width

        def text_cell(row: int, value: Value) -> None:
            if value.__class__ is not str:
                return other(row, value)
            text = neutralise_formula(value if maps is None else maps.get(value, value))
            if len(text) > MAX_CELL_CHARS:
                raise self._too_long(row, j)
            string(row, j, text)
            if len(text) * 2 > widths[j]:  # else it cannot be wider (a character is at most 2)
                width = len(text) if text.isascii() else display_width(text)
                if width > widths[j]:
                    widths[j] = width

        if ctype is ColumnType.TEXT or ctype is ColumnType.ENUM:
            return text_cell
        if family == "percent":
            return percent_cell
        if ctype.kind is Kind.NUMBER:
            return number_cell
        return other

    def write(self, row: Sequence[Value]) -> None:
        """Append one row (values in column order)."""
        if len(row) != len(self._cells):
            raise ValueError(f"row has {len(row)} values for {len(self._cells)} columns")
        self.count += 1
        if self.count > (self.max_rows or MAX_ROWS):
            raise self._too_many()
        number = self.count
        for cell, value in zip(self._cells, row):
            cell(number, value)

    def row_writer(self, indexes: Sequence[int]) -> Callable[[Sequence[Value]], None]:
        """A ``write`` for rows wider than the output: value ``indexes[j]`` goes to column ``j``."""
        cells = list(zip(indexes, self._cells))

        def write(row: Sequence[Value]) -> None:
            self.count += 1
            number = self.count
            if number > MAX_ROWS:
                raise self._too_many()
            for i, cell in cells:
                cell(number, row[i])

        return write

    def _too_many(self) -> UsageError:
        return UsageError(
            f"sheet '{self.name}' would have more than {MAX_ROWS:,} rows, more than an Excel sheet holds",
            expected="-o DIR (one CSV per output) or a .json file",
        )

    def _too_long(self, row: int, j: int) -> UsageError:
        return UsageError(
            f"sheet '{self.name}' row {row + 1} column '{self.headers[j]}': the text has more than "
            f"{MAX_CELL_CHARS:,} characters, more than an Excel cell holds",
            expected="-o DIR (one CSV per output) or a .json file",
        )

    def finish(self) -> None:
        """Set every column's width from the widest cell written."""
        for j, width in enumerate(self.widths):
            self._sheet.set_column(j, j, min(width + 2, MAX_WIDTH))


class WorkbookWriter:
    """An .xlsx being written to ``stream`` (a binary file open for writing, or a path).
    ``constant_memory=False`` keeps every row in memory until :meth:`close` (shared strings,
    a smaller file; see the module notes for why it is not the default).

    Add the sheets with :meth:`add_sheet`, write their rows in any interleaving (each
    sheet's rows in order), then :meth:`close`. Nothing complete is in ``stream`` before
    :meth:`close` returns; write into an :class:`AtomicFiles` temporary file (as
    :func:`write_workbook` does) so that a failure leaves the target as it was.
    """

    def __init__(self, stream: IO[bytes] | str, *, constant_memory: bool = True) -> None:
        import xlsxwriter

        options = {"constant_memory": constant_memory, "strings_to_numbers": False, "strings_to_formulas": False}
        self._book = xlsxwriter.Workbook(stream, options | {"strings_to_urls": False})
        self._book.set_properties({"created": _CREATED})
        self._formats: dict[tuple[str, int], Any] = {}
        self.sheets: list[SheetWriter] = []

    def format(self, key: tuple[str, int]) -> Any:
        """The cell format for ``(family, places)``, made once per workbook."""
        found = self._formats.get(key)
        if found is None:
            family, places = key
            decimals = "." + "0" * places if places else ""
            if family == "header":
                spec: dict[str, Any] = {"bold": True}
            elif family == "date":
                spec = {"num_format": "yyyy-mm-dd"}
            elif family == "datetime":
                spec = {"num_format": "yyyy-mm-dd hh:mm:ss"}
            elif family == "percent":
                spec = {"num_format": "0" + decimals + "%"}
            elif family == "money":
                spec = {"num_format": "#,##0." + "0" * max(places, 2)}
            else:
                spec = {"num_format": "0" + decimals}
            found = self._formats[key] = self._book.add_format(spec)
        return found

    def add_sheet(
        self,
        name: str,
        columns: Columns,
        *,
        headers: Sequence[str] | None = None,
        cells: Sequence[Mapping[str, str] | None] | None = None,
    ) -> SheetWriter:
        """A new sheet named ``name`` (already valid: see :func:`sheet_names`) with its header
        row: ``headers`` replace the column names (their labels in a language), ``cells`` map
        a text column's codes to the text written (a status's label), as for CSV."""
        if len(columns) > 16_384:
            raise UsageError(f"sheet '{name}' would have {len(columns)} columns, more than an Excel sheet holds (16,384)")
        sheet = SheetWriter(self, self._book.add_worksheet(name), columns, headers=headers, cells=cells)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        """Fit the column widths and write the workbook."""
        for sheet in self.sheets:
            sheet.finish()
        try:
            self._book.close()
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Give up: write nothing more, delete xlsxwriter's temporary row files."""
        self._book.fileclosed = True
        for sheet in self._book.worksheets():
            handle, name = getattr(sheet, "row_data_fh", None), getattr(sheet, "row_data_filename", None)
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
            if name:
                with contextlib.suppress(OSError):
                    os.unlink(name)

    def __enter__(self) -> WorkbookWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Close (write) the workbook, or discard it if the block failed."""
        if exc_type is not None:
            self.discard()
        else:
            self.close()


def binary(stream: IO[str]) -> IO[bytes]:
    """The byte stream under a text stream of :meth:`AtomicFiles.open` (flushed first)."""
    stream.flush()
    return stream.buffer  # type: ignore[attr-defined,no-any-return]


def write_workbook(
    path: str | os.PathLike[str], outputs: Mapping[str, tuple[Columns, Iterable[Sequence[Value]]]]
) -> dict[str, int]:
    """Write outputs to one workbook at ``path``, one sheet per output, all or nothing;
    return the rows written per output.

    >>> write_workbook("result.xlsx", {"orders": (columns, rows)})  # doctest: +SKIP
    {'orders': 12}
    """
    counts = {}
    with AtomicFiles() as files, WorkbookWriter(binary(files.open(path, encoding="utf-8"))) as book:
        for name, sheet_name in zip(outputs, sheet_names(list(outputs))):
            columns, rows = outputs[name]
            sheet = book.add_sheet(sheet_name, columns)
            for row in rows:
                sheet.write(row)
            counts[name] = sheet.count
    return counts
