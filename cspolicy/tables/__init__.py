"""Tables: the one CSV reader, the cell converters, the one atomic writer and rendering.

``read_table`` turns a CSV file into typed rows per a :class:`~cspolicy.tables.spec.TableSpec`;
``atomic_write``/``AtomicFiles`` plus ``CsvSink``/``write_json`` write results so that a
failed or killed run never leaves a half-written file or a half-replaced set of files
(:mod:`cspolicy.tables.journal`); ``neutralise_formula`` keeps text from running as a
spreadsheet formula; ``render_table`` shows results in a terminal, control characters escaped.
"""

from __future__ import annotations

from cspolicy.tables.convert import CellError as CellError
from cspolicy.tables.convert import make_converter as make_converter
from cspolicy.tables.open_table import read_table as read_table
from cspolicy.tables.reader import Table as Table
from cspolicy.tables.render import render_table as render_table
from cspolicy.tables.writer import AtomicFiles as AtomicFiles
from cspolicy.tables.writer import CsvSink as CsvSink
from cspolicy.tables.writer import atomic_write as atomic_write
from cspolicy.tables.writer import csv_encoding as csv_encoding
from cspolicy.tables.writer import format_value as format_value
from cspolicy.tables.writer import neutralise_formula as neutralise_formula
from cspolicy.tables.writer import write_json as write_json

__all__ = [
    "read_table",
    "Table",
    "atomic_write",
    "AtomicFiles",
    "CsvSink",
    "csv_encoding",
    "write_json",
    "format_value",
    "neutralise_formula",
    "render_table",
    "make_converter",
    "CellError",
]
