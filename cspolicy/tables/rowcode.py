"""The generated row converter behind :meth:`cspolicy.tables.reader.Table.rows`.

One Python function is compiled per table read: it takes a row's cells (a ``list[str]`` from
``csv.reader``) and returns the tuple of typed values, with each column's fast path written
out inline as statements instead of a call per cell:

* **text**: a printable cell (no control character or line break: ``str.isprintable``) is
  ``c.strip() or DEFAULT``: a blank cell of an optional column gives its default directly;
  a required one calls the converter, which raises "the cell is blank"; any other cell
  calls the converter, which checks its characters;
* **integer, decimal, money, quantity, duration**: a cell of plain ASCII digits is ``Decimal(c)``
  (other digits, full-width or not, go to the converter), checked against
  ``minimum``/``maximum`` inline; an empty or all-space cell of an optional column gives its
  default without raising and catching an exception;
* **percent, date and key text**: a per-column memo of raw cell text → value. Only short cells are
  kept, and only values: a miss calls the converter, which validates (and gives a key its
  written form) — except a key cell that is printable with nothing to narrow
  (``str.isprintable``, and ASCII or NFKC-stable, so no full-width form), whose written form
  (spaces collapsed, upper case) is computed inline. A percent memo (a column holds a few dozen
  distinct rates) stops growing at :data:`MEMO_ENTRIES` entries; a key memo is emptied when
  it reaches them and fills again, since keys come in runs (a station's materials, an
  employee's offences) but may be many more than fit;
* **date**: a memo like percent's (a file's days are few; 10 % of them written ``2024/3/5``);
* **datetime**: ``2025-03-01 09:15:02`` (19 characters, matching the converter's pattern) is
  ``datetime.fromisoformat(c)`` inline, as the converter's own fast path; anything else
  (or a day that does not exist) calls the converter;
* **boolean, enum**: a call to the converter;
* a column the file does not have: its default, a constant.

The fast paths take shortcuts only where :func:`~cspolicy.tables.convert.make_converter`'s
converters accept the cell on their own fast path, so the values are identical; everything
else, and every doubt (out of range, not digits, a required blank), calls the column's own
converter, which gives the value or raises the :class:`~cspolicy.tables.convert.CellError`
with its exact message. ``tests/test_tables_rowcode.py`` checks that both ways agree.

The source is built only from column types and positions; defaults, bounds, converters and
memos are passed in the namespace, never written into the source, so no text from a policy
or a CSV file ever becomes code.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal

from cspolicy.generated import define
from cspolicy.tables.chars import CONTROL_OR_BREAK
from cspolicy.tables.convert import NUMERIC_TYPES, Converter
from cspolicy.tables.convert_time import ISO_MOMENT
from cspolicy.tables.spec import ColumnSpec
from cspolicy.values import ColumnType, Value

__all__ = [
    "RowConverter",
    "RowPlan",
    "MEMO_ENTRIES",
    "MEMO_CELL_CHARS",
    "row_source",
    "column_blocks",
    "row_converter",
]

#: Converts one row's cells to its values in spec column order; raises ``CellError``.
RowConverter = Callable[[list[str]], tuple[Value, ...]]
#: One entry per spec column: its 0-based index in the file (``None``: the file does not
#: have it), its converter (from ``make_converter``) and its spec.
RowPlan = Sequence[tuple[int | None, Converter, ColumnSpec]]

#: A percent memo stops adding entries at this size (per column).
MEMO_ENTRIES = 4096
#: Longer percent cells are converted every time, so the memo's memory stays small.
MEMO_CELL_CHARS = 32


def _memo(col: ColumnSpec) -> bool:
    """Whether a column's cells are converted through a memo of cell text → value."""
    return col.type in (ColumnType.PERCENT, ColumnType.DATE, ColumnType.ENUM, ColumnType.BOOLEAN) or (
        col.type is ColumnType.TEXT and col.key
    )


def _blank_ok(col: ColumnSpec) -> bool:
    """Whether a blank cell gives the default: the rule of ``make_converter``'s ``on_blank``."""
    return col.default is not None or not col.required


def _column_code(j: int, index: int, col: ColumnSpec, ns: dict[str, object]) -> list[str]:
    """The statements that set ``v{j}`` from ``cells[index]``; names they use go into ``ns``."""
    v, k, b = f"v{j}", f"_k{j}", f"_b{j}"
    blank_ok = _blank_ok(col)
    if blank_ok:
        ns[b] = col.default
    lines = [f"# column {j}: {col.type.value}, file column {index}", f"c = cells[{index}]"]
    if col.converted:  # a header preset's conventions: the converter does it all
        lines.append(f"{v} = {k}(c)")
    elif _memo(col):
        memo: dict[str, Value] = {}
        ns[f"_cm{j}"], ns[f"_get{j}"] = memo, memo.get
        lines += [f"{v} = _get{j}(c)  # memo of cell text -> value", f"if {v} is None:"]
        if blank_ok:
            lines += ["    if not c or c.isspace() and not _ctl(c):  # blank: the default", f"        {v} = {b}", "    else:"]
        pad = "        " if blank_ok else "    "
        if col.type is ColumnType.TEXT:  # a key: printable and nothing to narrow, its form inline
            lines += [
                f"{pad}if c.isprintable() and (c.isascii() or _nfkc('NFKC', c)):  # nothing to narrow",
                f"{pad}    {v} = (c.upper() if ' ' not in c else ' '.join(c.split()).upper()) or {b if blank_ok else f'{k}(c)'}",
                f"{pad}else:",
                f"{pad}    {v} = {k}(c)  # validates; raises the CellError",
                f"{pad}if {v} is not None and _len(c) <= {MEMO_CELL_CHARS}:",
                f"{pad}    if _len(_cm{j}) >= {MEMO_ENTRIES}:  # full: start again (keys come in runs)",
                f"{pad}        _cm{j}.clear()",
                f"{pad}    _cm{j}[c] = {v}",
            ]
        else:
            lines += [
                f"{pad}{v} = {k}(c)  # validates; raises the CellError",
                f"{pad}if {v} is not None and _len(c) <= {MEMO_CELL_CHARS} and _len(_cm{j}) < {MEMO_ENTRIES}:",
                f"{pad}    _cm{j}[c] = {v}",
            ]
    elif col.type is ColumnType.TEXT:
        lines.append(f"{v} = (c.strip() or {b if blank_ok else f'{k}(c)'}) if c.isprintable() else {k}(c)")
    elif col.type is ColumnType.DATETIME:  # the converter's own fast path, without the call
        ns["_isom"], ns["_iso"] = ISO_MOMENT.fullmatch, _dt.datetime.fromisoformat
        lines += [
            "if _len(c) == 19 and _isom(c):",
            "    try:",
            f"        {v} = _iso(c)",
            "    except ValueError:  # 2025-02-30 …: the converter says why",
            f"        {v} = {k}(c)",
            "else:",
            f"    {v} = {k}(c)",
        ]
    elif col.type in NUMERIC_TYPES or col.type is ColumnType.DURATION:
        outside = []
        if col.minimum is not None:
            ns[f"_lo{j}"] = col.minimum
            outside.append(f"{v} < _lo{j}")
        if col.maximum is not None:
            ns[f"_hi{j}"] = col.maximum
            outside.append(f"{v} > _hi{j}")
        lines += [
            "if c.isascii() and c.isdigit():  # plain digits: the converter's own fast path",
            f"    {v} = _Decimal(c)",
        ]
        if outside:
            lines += [
                f"    if {' or '.join(outside)}:  # out of range: the converter raises the error",
                f"        {v} = {k}(c)",
            ]
        if blank_ok:
            lines += ["elif not c or c.isspace() and not _ctl(c):  # blank: the default, no exception", f"    {v} = {b}"]
        lines += ["else:", f"    {v} = {k}(c)"]
    else:
        lines.append(f"{v} = {k}(c)")
    return lines


def row_source(plan: RowPlan) -> tuple[str, dict[str, object]]:
    """The source of the row converter ``_convert`` and the namespace it runs in."""
    blocks, ns = column_blocks(plan)
    body = [line for block in blocks for line in block]
    values = "".join(f"v{j}, " for j in range(len(plan)))
    body.append(f"return ({values})")
    return "def _convert(cells):\n" + "".join(f"    {line}\n" for line in body), ns


def column_blocks(plan: RowPlan) -> tuple[list[list[str]], dict[str, object]]:
    """The statements (unindented) converting each column ``j`` of ``plan`` from ``cells``
    into ``v{j}``, one list per column, and their namespace: the parts of ``_convert``, for a
    fused loop that converts some columns only when it needs them."""
    ns: dict[str, object] = {"__builtins__": {}, "_Decimal": Decimal, "_len": len, "_ctl": CONTROL_OR_BREAK.search}
    ns["_nfkc"] = unicodedata.is_normalized  # NFKC-stable: no full-width form in it (a fast C check)
    blocks: list[list[str]] = []
    for j, (index, conv, col) in enumerate(plan):
        ns[f"_k{j}"] = conv
        if index is None:
            ns[f"_b{j}"] = col.default
            blocks.append([f"# column {j}: not in the file, its default", f"v{j} = _b{j}"])
        else:
            blocks.append(_column_code(j, index, col, ns))
    return blocks, ns


def row_converter(plan: RowPlan) -> RowConverter:
    """Compile the row converter of ``plan`` (see the module notes)."""
    source, ns = row_source(plan)
    return define(source, ns, "row converter")["_convert"]  # type: ignore[no-any-return]
