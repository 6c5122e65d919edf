"""The one writer: value formatting, CSV and JSON output (atomic replacement re-exported).

Outputs are written to a temporary file beside the target and renamed over it only when
the whole write succeeded (:mod:`cspolicy.tables.atomic`; STYLE.md #14: click's
``atomic=True`` renames even after a failure, so it is not used). Output is deterministic —
the same rows give byte-identical files — so results can be diffed and checked into version
control.

Decisions:

* CSV uses the :mod:`csv` module's Excel dialect: ``\\r\\n`` line endings and minimal
  quoting, which Excel on Windows and every CSV reader accept. ``utf-8-sig`` (a BOM) is the
  default encoding so that Excel opens Chinese text correctly; ``--no-bom`` gives plain
  ``utf-8`` (:func:`csv_encoding`).
* Numbers are written in plain notation with the scale they carry (``12.50`` stays
  ``12.50``, never ``1.25E+1``); percentages as ``15%`` in CSV and as the fraction ``0.15``
  in JSON, where numbers keep their exact Decimal text instead of passing through float.
* Text that a spreadsheet would run as a formula is neutralised in CSV
  (:func:`neutralise_formula`, OWASP's advice on CSV injection); JSON keeps it as it is.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from operator import call
from typing import TextIO

from cspolicy.generated import define
from cspolicy.tables.atomic import AtomicFiles, atomic_write
from cspolicy.text import format_value, number_text, percent_text
from cspolicy.values import ColumnType, Kind, Value

__all__ = [
    "neutralise_formula",
    "FORMULA_STARTS",
    "atomic_write",
    "AtomicFiles",
    "format_value",
    "number_text",
    "percent_text",
    "CsvSink",
    "csv_encoding",
    "write_json",
    "JsonSink",
    "json_document",
    "Columns",
]

#: Output columns: ``(header, type)`` pairs in output order.
Columns = Sequence[tuple[str, ColumnType]]

#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?\Z")


def neutralise_formula(text: str) -> str:
    """A text cell made safe to open in a spreadsheet: one beginning with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so Excel, LibreOffice
    and WPS show it as text instead of evaluating it (OWASP's advice on CSV injection).
    A plain signed number (``-5``, ``+1.5``) is left alone: a spreadsheet reads it as that
    number and nothing runs. For CSV and spreadsheet output only; JSON keeps the raw text.

    >>> [neutralise_formula(t) for t in ("=1+1", "@SUM(A1)", "-5", "-5+1", "A站", "")]
    ["'=1+1", "'@SUM(A1)", '-5', "'-5+1", 'A站', '']
    """
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _formatter(ctype: ColumnType) -> Callable[[Value], str]:
    """A per-column formatter with a fast path for the common value type of ``ctype``."""
    if ctype.kind is Kind.NUMBER and ctype is not ColumnType.PERCENT:

        def number(value: Value) -> str:
            if isinstance(value, Decimal):
                text = str(value)
                return text if "E" not in text and text[0] != "-" else number_text(value)
            return format_value(value, ctype)

        return number
    if ctype is ColumnType.TEXT or ctype is ColumnType.ENUM:

        def text(value: Value) -> str:
            text = value if isinstance(value, str) else format_value(value, ctype)
            return neutralise_formula(text) if text.startswith(FORMULA_STARTS) else text

        return text
    # Dates and percentages repeat a lot (one month of days, a few rates) and are slow to
    # format, so each column keeps a small memo of the texts it made.
    # Keys are of one class only, since True == Decimal(1).
    memo: dict[Value, str] = {}
    memo_class = Decimal if ctype is ColumnType.PERCENT else _dt.date if ctype is ColumnType.DATE else None

    def memoised(value: Value) -> str:
        if value.__class__ is not memo_class:
            return format_value(value, ctype)
        text = memo.get(value)
        if text is None:
            if len(memo) >= 4096:
                memo.clear()
            text = memo[value] = format_value(value, ctype)
        return text

    memoised.memo = memo  # type: ignore[attr-defined]  # generated writers look texts up directly
    memoised.memo_class = memo_class  # type: ignore[attr-defined]
    return memoised


def csv_encoding(bom: bool = True) -> str:
    """``utf-8-sig`` (a BOM, so Excel reads Chinese) or plain ``utf-8`` for ``--no-bom``."""
    return "utf-8-sig" if bom else "utf-8"


class CsvSink:
    """Writes typed rows as CSV to an open text stream (opened with ``newline=''``).

    >>> import io
    >>> out = io.StringIO(newline="")
    >>> sink = CsvSink(out, [("station", ColumnType.TEXT), ("growth", ColumnType.PERCENT)])
    >>> sink.write_header(); sink.write(("A", Decimal("0.15")))
    >>> out.getvalue()
    'station,growth\\r\\nA,15%\\r\\n'
    """

    def __init__(
        self,
        stream: TextIO,
        columns: Columns,
        *,
        headers: Sequence[str] | None = None,
        cells: Sequence[Mapping[str, str] | None] | None = None,
    ) -> None:
        self.stream = stream
        self.columns = tuple(columns)
        self.headers = list(headers) if headers is not None else [name for name, _ in self.columns]
        #: Per column, the text written instead of a cell's text (a status code → its
        #: Chinese label, ``yes`` → ``是``); None writes the text as it is.
        self.cells = list(cells) if cells is not None else [None] * len(self.columns)
        if len(self.headers) != len(self.columns) or len(self.cells) != len(self.columns):
            raise ValueError(f"{len(self.headers)} headers and {len(self.cells)} cell maps for {len(self.columns)} columns")
        self._formatters = [_formatter(ctype) for _, ctype in self.columns]
        self._writer = csv.writer(stream)

    def _format(self, row: Sequence[Value]) -> list[str]:
        if len(row) != len(self._formatters):
            raise ValueError(f"row has {len(row)} values for {len(self._formatters)} columns")
        texts = list(map(call, self._formatters, row))
        if any(self.cells):
            texts = [m.get(t, t) if m else t for t, m in zip(texts, self.cells)]
        return texts

    def write_header(self) -> None:
        self._writer.writerow(self.headers)

    def write(self, row: Sequence[Value]) -> None:
        self._writer.writerow(self._format(row))

    def write_rows(self, rows: Iterable[Sequence[Value]]) -> None:
        self._writer.writerows(map(self._format, rows))

    def row_writer(self, indexes: Sequence[int]) -> Callable[[Sequence[Value]], None]:
        """A fast ``write`` for rows wider than the output: cell ``indexes[j]`` of a row
        goes to column ``j``. Generated once per output (from column types only, never
        from user text) so a row is projected, formatted and written in one call."""
        cells, namespace = self.cell_code([f"r[{i}]" for i in indexes])
        namespace["_write"] = self._writer.writerow
        source = f"def _row(r):\n    _write(({', '.join(cells)},))\n"
        return define(source, namespace, "csv row writer")["_row"]  # type: ignore[no-any-return]

    def cell_code(
        self,
        refs: Sequence[str],
        plain: Sequence[Decimal | tuple[Decimal] | str | None] | None = None,
    ) -> tuple[list[str], dict[str, object]]:
        """Python expressions giving each column's CSV text from the value named by
        ``refs[j]`` (``r[3]``, ``c3``), and the names they use (``_f…``, ``_str``, ``_D``):
        the writing part of generated row functions. Temporaries are ``v`` and ``t``.

        ``plain[j]``, when given, is the zero of a column known to hold a never-blank Decimal
        whose ``str()`` is plain (rounded to at most 6 places): the value itself goes to
        ``csv.writer`` (which calls ``str`` in C), a zero of either sign as that zero;
        ``(zero,)`` is the same for a column that may be blank (written empty);
        ``""`` marks a column whose value is written as it is (never-blank text, or a whole
        number as the reader made it); ``"blank"`` the same for a column that may be blank;
        ``"safe"`` a never-blank text that cannot start a formula (one of the policy's literals).
        A column with a :attr:`cells` map writes the mapped text (temporary ``u``).
        Text that could start a spreadsheet formula is neutralised (:func:`neutralise_formula`)."""
        if len(refs) != len(self._formatters):
            raise ValueError(f"{len(refs)} values for {len(self._formatters)} columns")
        namespace: dict[str, object] = {"_str": str, "_D": Decimal, "_danger": FORMULA_STARTS, "_nf": neutralise_formula}
        # each start is one character: a slice's set lookup costs a third of str.startswith(tuple)
        namespace["_dangers"] = frozenset(FORMULA_STARTS)
        one_char = all(len(start) == 1 for start in FORMULA_STARTS)

        def risky(v: str) -> str:  # the test that text v could start a formula
            return f"{v}[:1] in _dangers" if one_char else f"{v}.startswith(_danger)"

        cells = []
        for j, (ref, (_, ctype)) in enumerate(zip(refs, self.columns)):
            namespace[f"_f{j}"] = self._formatters[j]
            zero = plain[j] if plain is not None else None
            is_text = ctype is ColumnType.TEXT or ctype is ColumnType.ENUM
            if zero == "safe" and isinstance(zero, str):  # never blank, never a formula's start
                cells.append(ref)
            elif zero == "" and isinstance(zero, str):
                # text is neutralised where it could start a formula (neutralise_formula)
                cells.append(f"(_nf(v) if {risky(f'(v := {ref})')} else v)" if is_text else ref)
            elif zero == "blank" and isinstance(zero, str):
                cells.append(
                    f"('' if (v := {ref}) is None else _nf(v) if {risky('v')} else v)"
                    if is_text
                    else f"('' if {ref} is None else {ref})"
                )
            elif zero is not None and isinstance(zero, tuple):  # (zero,) : rounded, may be blank
                namespace[f"_z{j}"] = zero[0]
                cells.append(f"('' if (v := {ref}) is None else (v or _z{j}))")
            elif zero is not None:
                namespace[f"_z{j}"] = zero
                cells.append(f"({ref} or _z{j})")
            elif getattr(self._formatters[j], "memo_class", None) is not None:
                # a memoised column (percent, date): look the text up without a call
                formatter = self._formatters[j]
                namespace[f"_g{j}"] = formatter.memo.get  # type: ignore[attr-defined]
                namespace[f"_mc{j}"] = formatter.memo_class  # type: ignore[attr-defined]
                cells.append(f"((_g{j}(v) or _f{j}(v)) if (v := {ref}).__class__ is _mc{j} else _f{j}(v))")
            elif is_text:  # a blank (None) is written '' (as format_value writes it), without a call
                cells.append(
                    f"((_nf(v) if {risky('v')} else v) if (v := {ref}).__class__ is _str else '' if v is None else _f{j}(v))"
                )
            elif ctype.kind is Kind.NUMBER and ctype is not ColumnType.PERCENT:
                # A blank (None) is written as ''. str() of a Decimal is plain unless it has
                # an exponent or is negative (-0 too): those go to the formatter.
                cells.append(
                    f"('' if (v := {ref}) is None else t if v.__class__ is _D "
                    f"and 'E' not in (t := _str(v)) and t[0] != '-' else _f{j}(v))"
                )
            else:
                cells.append(f"_f{j}({ref})")
            if self.cells[j]:  # the text written for a code: its label (blank stays blank)
                namespace[f"_m{j}"] = self.cells[j]
                cells[-1] = f"_m{j}.get((u := {cells[-1]}), u)"
        return cells, namespace

    def write_all(self, rows: Iterable[Sequence[str]]) -> None:
        """Write rows that are already text (from a generated row function)."""
        self._writer.writerows(rows)

    def write_lines(self, lines: Iterable[str]) -> None:
        """Write rows already made into lines of CSV text in this sink's dialect (a
        generated row function's: :mod:`cspolicy.engine.csvline`)."""
        self.stream.writelines(lines)


def _json_value(value: Value) -> str:
    """One JSON value; Decimal numbers keep their exact text (``12.50``)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be written as a JSON number")
        return number_text(value)
    if isinstance(value, _dt.date):
        return '"' + value.isoformat() + '"'
    if not isinstance(value, str):  # a Period: "2024-05"
        return '"' + str(value) + '"'
    return json.dumps(value, ensure_ascii=False)


class JsonSink:
    """Writes one output's rows as the items of a JSON array, one call per row.

    The items are written without the brackets around them (:func:`json_document` puts
    them in place), so that several outputs computed together can each go to a spool file
    and make one document afterwards, without holding any row in memory.
    """

    def __init__(self, stream: TextIO, columns: Columns, name: str = "output") -> None:
        self.stream = stream
        self.name = name
        self.keys = ["\n      " + json.dumps(header, ensure_ascii=False) + ": " for header, _ in columns]
        self.count = 0

    def write(self, row: Sequence[Value]) -> None:
        keys = self.keys
        if len(row) != len(keys):
            raise ValueError(f"output '{self.name}': row has {len(row)} values for {len(keys)} columns")
        fields = ",".join([key + _json_value(value) for key, value in zip(keys, row, strict=True)])
        self.stream.write(("\n    {" if not self.count else ",\n    {") + fields + ("\n    }" if keys else "}"))
        self.count += 1


def json_document(
    stream: TextIO, outputs: Mapping[str, Callable[[TextIO], int]], extra: Mapping[str, object] | None = None
) -> None:
    """Write the JSON document around outputs whose items a :class:`JsonSink` writes:
    ``outputs`` maps each name to a function that writes its items to the stream it is
    given and returns how many it wrote. ``extra`` adds keys after the outputs (the run's
    ``_warnings``), laid out as ``json.dumps(…, indent=2)`` would."""
    write = stream.write
    if not outputs and not extra:
        write("{}\n")
        return
    write("{")
    n = 0
    for n, (name, items) in enumerate(outputs.items()):
        write(("," if n else "") + "\n  " + json.dumps(name, ensure_ascii=False) + ": [")
        write("\n  ]" if items(stream) else "]")
    for i, (key, value) in enumerate((extra or {}).items()):
        text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        write(("," if outputs or i else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": " + text)
    write("\n}\n")


def write_json(stream: TextIO, outputs: Mapping[str, tuple[Columns, Iterable[Sequence[Value]]]]) -> None:
    """Write several outputs as one JSON document, row by row (nothing is built in memory).

    The layout is exactly ``json.dumps(doc, indent=2, ensure_ascii=False)`` plus a newline:
    ``{"orders": [{"station": "A", "weekly_qty": 3050}, …], "materials": […]}`` with keys in
    column order, numbers as exact Decimal text, percentages as fractions, ISO date
    strings, ``true``/``false`` and ``null``. Text is kept as it is (no formula
    neutralisation: JSON is read by programs, not opened as a spreadsheet).
    """

    def items(name: str, columns: Columns, rows: Iterable[Sequence[Value]]) -> Callable[[TextIO], int]:
        def write(out: TextIO) -> int:
            sink = JsonSink(out, columns, name)
            for row in rows:
                sink.write(row)
            return sink.count

        return write

    json_document(stream, {name: items(name, columns, rows) for name, (columns, rows) in outputs.items()})
