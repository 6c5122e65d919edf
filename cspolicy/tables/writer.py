"""The one writer: atomic file replacement, value formatting, CSV and JSON output.

Outputs are written to a temporary file beside the target and renamed over it only when
the whole write succeeded (STYLE.md #14: click's ``atomic=True`` renames even after a
failure, so it is not used). Output is deterministic — the same rows give byte-identical
files — so results can be diffed and checked into version control.

Decisions:

* CSV uses the :mod:`csv` module's Excel dialect: ``\\r\\n`` line endings and minimal
  quoting, which Excel on Windows and every CSV reader accept. ``utf-8-sig`` (a BOM) is the
  default encoding so that Excel opens Chinese text correctly; ``--no-bom`` gives plain
  ``utf-8`` (:func:`csv_encoding`).
* Numbers are written in plain notation with the scale they carry (``12.50`` stays
  ``12.50``, never ``1.25E+1``); percentages as ``15%`` in CSV and as the fraction ``0.15``
  in JSON, where numbers keep their exact Decimal text instead of passing through float.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as _dt
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from operator import call
from types import TracebackType
from typing import TextIO

from cspolicy.errors import UsageError
from cspolicy.generated import define
from cspolicy.text import format_value, number_text, percent_text
from cspolicy.values import ColumnType, Kind, Value

__all__ = [
    "atomic_write",
    "AtomicFiles",
    "format_value",
    "number_text",
    "percent_text",
    "CsvSink",
    "csv_encoding",
    "write_json",
    "Columns",
]

#: Output columns: ``(header, type)`` pairs in output order.
Columns = Sequence[tuple[str, ColumnType]]
StrPath = str | os.PathLike[str]


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
            return value if isinstance(value, str) else format_value(value, ctype)

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
        number as the reader made it); ``"blank"`` the same for a column that may be blank.
        A column with a :attr:`cells` map writes the mapped text (temporary ``u``)."""
        if len(refs) != len(self._formatters):
            raise ValueError(f"{len(refs)} values for {len(self._formatters)} columns")
        namespace: dict[str, object] = {"_str": str, "_D": Decimal}
        cells = []
        for j, (ref, (_, ctype)) in enumerate(zip(refs, self.columns)):
            namespace[f"_f{j}"] = self._formatters[j]
            zero = plain[j] if plain is not None else None
            if zero == "" and isinstance(zero, str):
                cells.append(ref)
            elif zero == "blank" and isinstance(zero, str):
                cells.append(f"('' if {ref} is None else {ref})")
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
            elif ctype is ColumnType.TEXT or ctype is ColumnType.ENUM:
                cells.append(f"(v if (v := {ref}).__class__ is _str else _f{j}(v))")
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
    return json.dumps(value, ensure_ascii=False)


def write_json(stream: TextIO, outputs: Mapping[str, tuple[Columns, Iterable[Sequence[Value]]]]) -> None:
    """Write several outputs as one JSON document, row by row (nothing is built in memory).

    The layout is exactly ``json.dumps(doc, indent=2, ensure_ascii=False)`` plus a newline:
    ``{"orders": [{"station": "A", "weekly_qty": 3050}, …], "materials": […]}`` with keys in
    column order, numbers as exact Decimal text, percentages as fractions, ISO date
    strings, ``true``/``false`` and ``null``.
    """
    write = stream.write
    if not outputs:
        write("{}\n")
        return
    write("{")
    for n, (name, (columns, rows)) in enumerate(outputs.items()):
        write(("," if n else "") + "\n  " + json.dumps(name, ensure_ascii=False) + ": [")
        keys = ["\n      " + json.dumps(header, ensure_ascii=False) + ": " for header, _ in columns]
        empty = True
        for row in rows:
            if len(row) != len(keys):
                raise ValueError(f"output '{name}': row has {len(row)} values for {len(keys)} columns")
            fields = ",".join([key + _json_value(value) for key, value in zip(keys, row, strict=True)])
            write(("\n    {" if empty else ",\n    {") + fields + ("\n    }" if keys else "}"))
            empty = False
        write("]" if empty else "\n  ]")
    write("\n}\n")


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}'", expected="an encoding such as utf-8 or gb18030") from None


_UMASK: list[int] = []


def _new_file_mode(target: str) -> int:
    """The mode the output should get: the old file's, else what ``open`` would give."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        pass
    if not _UMASK:
        _UMASK.append(os.umask(0o022))
        os.umask(_UMASK[0])
    return 0o666 & ~_UMASK[0]


def _fsync_directory(directory: str) -> None:
    """Make a rename durable; not possible everywhere (Windows), so best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _Pending:
    """One temporary file waiting to replace its target."""

    def __init__(self, path: StrPath, encoding: str, newline: str | None) -> None:
        _check_encoding(encoding)
        self.target = os.path.abspath(os.fspath(path))
        self.directory, name = os.path.split(self.target)
        fd, self.temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.directory)
        try:
            self.stream: TextIO = open(fd, "w", encoding=encoding, newline=newline)
        except BaseException:
            os.close(fd)
            os.unlink(self.temp)
            raise

    def finish(self) -> None:
        """Flush and fsync the temp file, give it the target's mode, close it."""
        self.stream.flush()
        os.fsync(self.stream.fileno())
        os.chmod(self.temp, _new_file_mode(self.target))
        self.stream.close()

    def commit(self) -> None:
        os.replace(self.temp, self.target)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp)


@contextlib.contextmanager
def atomic_write(path: StrPath, *, encoding: str = "utf-8", newline: str | None = "") -> Iterator[TextIO]:
    """Open ``path`` for writing so that it is replaced only if the block succeeds.

    Writes go to ``.NAME.XXXX.tmp`` in the target's directory; on normal exit it is
    flushed, fsynced and renamed over ``path`` (:func:`os.replace`, atomic); on any
    exception, ``KeyboardInterrupt`` included, it is deleted and ``path`` is untouched.

    >>> with atomic_write(path, encoding=csv_encoding()) as out:  # doctest: +SKIP
    ...     CsvSink(out, columns).write_rows(rows)
    """
    pending = _Pending(path, encoding, newline)
    try:
        yield pending.stream
        pending.finish()
        pending.commit()
    except BaseException:
        pending.discard()
        raise
    _fsync_directory(pending.directory)


class AtomicFiles:
    """Several outputs written all-or-nothing (``-o DIR``).

    Each :meth:`open` gives a temporary file; when the ``with`` block ends without an
    exception every file is flushed and fsynced, and only then are all renamed over their
    targets. On an exception every temporary file is deleted and no target changes. (The
    renames themselves are one :func:`os.replace` each, after all writing succeeded.)
    """

    def __init__(self) -> None:
        self._pending: list[_Pending] = []

    def __enter__(self) -> AtomicFiles:
        return self

    def open(self, path: StrPath, *, encoding: str = "utf-8", newline: str | None = "") -> TextIO:
        """A text stream that will become ``path`` when the block succeeds."""
        target = os.path.abspath(os.fspath(path))
        if any(p.target == target for p in self._pending):
            raise UsageError(f"'{os.fspath(path)}' is written twice in one run")
        pending = _Pending(path, encoding, newline)
        self._pending.append(pending)
        return pending.stream

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc_type is not None:
            self.discard()
            return
        try:
            for pending in self._pending:
                pending.finish()
            for pending in self._pending:
                pending.commit()
        except BaseException:
            self.discard()
            raise
        for directory in sorted({p.directory for p in self._pending}):
            _fsync_directory(directory)
        self._pending.clear()

    def discard(self) -> None:
        """Delete every temporary file not yet renamed."""
        for pending in self._pending:
            pending.discard()
        self._pending.clear()
