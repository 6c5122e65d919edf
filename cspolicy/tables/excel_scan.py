"""Find the cells of an ``.xlsx`` sheet whose value python-calamine cannot give.

python-calamine returns an Excel error cell (``#DIV/0!``, ``#N/A``, ``#REF!`` …) as an empty
string, exactly like a blank cell, and so it does a formula that was never calculated (a
workbook written by a program and not opened in Excel since: the file holds the formula but
no value). Read as blanks, both would silently become a column's default. This module reads
the sheet's XML once more, as bytes, and lists those cells, so that the reader can reject
them with their place (``stations.xlsx#Sheet1:3:票数``).

The scan costs little: the XML is inflated in chunks and searched with two regular
expressions that match only error cells and value-less formula cells; a chunk holding
neither ``t="e"`` nor a formula is skipped after two substring tests.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree

__all__ = ["Unreadable", "sheet_member", "unreadable_cells", "cell_position"]

#: One cell python-calamine cannot give: ``(0-based row, 0-based column, what it holds)``,
#: where what it holds is the error text (``#DIV/0!``) or ``""`` for a formula without a value.
Unreadable = tuple[int, int, str]

_CHUNK = 1 << 20
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_P = rb"(?:[\w.-]+:)?"  # an optional namespace prefix (<x:c …>)
_ERROR_CELL = re.compile(rb"<" + _P + rb"c\b([^>]*?\bt\s*=\s*[\"']e[\"'][^>]*?)(/?)>")
_FORMULA_ONLY = re.compile(
    rb"<" + _P + rb"c\b([^>]*?)>\s*<" + _P + rb"f\b(?:[^>]*/>|[^>]*>[^<]*</" + _P + rb"f>)\s*"
    rb"(<" + _P + rb"v\s*/>|<" + _P + rb"v>\s*</" + _P + rb"v>)?\s*</" + _P + rb"c>"
)
_TEXT_TYPE = re.compile(rb"\bt\s*=\s*[\"']str[\"']")
_REF = re.compile(rb"\br\s*=\s*[\"']\$?([A-Z]{1,3})\$?(\d+)[\"']")
_VALUE = re.compile(rb"<" + _P + rb"v>([^<]*)</" + _P + rb"v>")
_CELL_END = re.compile(rb"</" + _P + rb"c>")


def cell_position(ref: str) -> tuple[int, int]:
    """``B3`` → ``(2, 1)``: an A1 reference as 0-based (row, column).

    >>> cell_position("AA10")
    (9, 26)
    """
    match = _REF.search(f'r="{ref}"'.encode())
    if match is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    column = 0
    for letter in match[1]:
        column = column * 26 + letter - 64
    return int(match[2]) - 1, column - 1


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def sheet_member(book: zipfile.ZipFile, index: int) -> str | None:
    """The zip member holding the XML of the ``index``-th sheet (in tab order), or None."""
    workbook = "xl/workbook.xml"
    try:
        root = ElementTree.fromstring(book.read("_rels/.rels"))
        for rel in root:
            if rel.get("Type", "").endswith("/officeDocument"):
                workbook = rel.get("Target", workbook).lstrip("/")
    except (KeyError, ElementTree.ParseError):
        pass
    folder, name = posixpath.split(workbook)
    try:
        sheets = [e for e in ElementTree.fromstring(book.read(workbook)).iter() if _local(e.tag) == "sheet"]
        rels = ElementTree.fromstring(book.read(posixpath.join(folder, "_rels", name + ".rels")))
    except (KeyError, ElementTree.ParseError):
        return None
    if not 0 <= index < len(sheets):
        return None
    rel_id = next((v for k, v in sheets[index].attrib.items() if _local(k) == "id"), None)
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            return path if path in book.NameToInfo else None
    return None


def _found(text: bytes, errors: list[Unreadable], unplaced: list[str]) -> None:
    """Add the error cells and value-less formula cells of ``text`` (whole rows of XML)."""
    if b'"e"' in text or b"'e'" in text:
        for match in _ERROR_CELL.finditer(text):
            value = ""
            if not match[2]:
                end = _CELL_END.search(text, match.end())
                found = _VALUE.search(text, match.end(), end.start() if end else len(text))
                value = found[1].decode("utf-8", "replace").strip() if found else ""
            _place(match[1], value or "#VALUE!", errors, unplaced)
    if b"<f" in text or b":f" in text:
        for match in _FORMULA_ONLY.finditer(text):
            if match[2] and _TEXT_TYPE.search(match[1]):
                continue  # an empty <v> of a text formula: Excel computed an empty text ("")
            _place(match[1], "", errors, unplaced)


def _place(attributes: bytes, value: str, errors: list[Unreadable], unplaced: list[str]) -> None:
    ref = _REF.search(attributes)
    if ref is None:  # OOXML allows a cell without its reference; Excel never writes one
        unplaced.append(value)
        return
    row, column = cell_position(ref[1].decode() + ref[2].decode())
    errors.append((row, column, value))


def unreadable_cells(book: zipfile.ZipFile, member: str) -> tuple[list[Unreadable], list[str]]:
    """The error cells and value-less formula cells of one sheet's XML, in file order, and
    the values of any such cells that carry no reference (so cannot be placed)."""
    errors: list[Unreadable] = []
    unplaced: list[str] = []
    carry = b""
    with book.open(member) as xml:
        while True:
            chunk = xml.read(_CHUNK)
            text = carry + chunk
            if not chunk:
                _found(text, errors, unplaced)
                break
            cut = text.rfind(b"row>")  # cut after a closing </row>, so no cell is split
            if cut < 0:
                carry = text
                continue
            cut += 4
            _found(text[:cut], errors, unplaced)
            carry = text[cut:]
    return errors, unplaced
