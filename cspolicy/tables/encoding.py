"""Which text encoding a CSV file is read in, and the message when its bytes do not decode.

See :mod:`cspolicy.tables.reader` for the decisions: UTF-8 first, then GB18030; an explicit
``--encoding`` is honoured, and any failure to decode — whatever the codec raises — becomes a
:class:`~cspolicy.errors.DataError` naming the file, the row and the fix.
"""

from __future__ import annotations

import codecs

from cspolicy.errors import DataError, UsageError

__all__ = ["detect_encoding", "explicit_encoding", "decode_error"]


def detect_encoding(head: bytes, *, complete: bool, name: str) -> str:
    """Pick the encoding of a file from its first bytes (see the module notes).

    ``complete`` says ``head`` is the whole file (else a multi-byte character cut at the
    end of the sample is not an error).

    >>> detect_encoding("票数".encode("gb18030"), complete=True, name="a.csv")
    'gb18030'
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # Workbooks first: a zip (.xlsx) or OLE (.xls) file also contains NUL bytes.
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise DataError(
            "this is an Excel workbook, not a CSV file",
            file=name,
            expected='a CSV file; in Excel use Save As › "CSV UTF-8 (Comma delimited)"',
        )
    nul = head.count(0)
    if nul and not head.strip(b"\x00"):
        raise DataError("the file holds only zero bytes: it may be damaged", file=name, expected="a CSV file")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or nul * 20 >= len(head) > 0 < nul:
        raise DataError(
            'this is a UTF-16 ("Unicode text") file, not CSV',
            file=name,
            expected='a CSV file; in Excel use Save As › "CSV UTF-8 (Comma delimited)"',
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
        except UnicodeDecodeError:
            continue
        return encoding
    raise DataError(
        "the text is neither UTF-8 nor GB18030",
        file=name,
        expected='a CSV saved from Excel as "CSV UTF-8", or name the encoding with --encoding',
    )


def explicit_encoding(encoding: str) -> str:
    try:
        "".encode(encoding)  # also rejects bytes-to-bytes codecs such as base64
        canonical = codecs.lookup(encoding).name
    except (LookupError, UnicodeError):  # UnicodeError: a codec that encodes nothing, such as 'undefined'
        raise UsageError(f"unknown encoding '{encoding}'", expected="an encoding such as utf-8 or gb18030") from None
    return "utf-8-sig" if canonical == "utf-8" else canonical


def decode_error(path: str, encoding: str, name: str, row: int) -> DataError:
    """The message for bytes that do not decode: find the exact line (UTF-8, GB18030 and the
    other ASCII-compatible encodings keep ``\\n`` out of multi-byte characters, so lines can
    be decoded one by one; for UTF-16 and UTF-32 only the row reached is known)."""
    where = f"at row {row}"
    offset = 0
    try:
        by_lines = "\n".encode(encoding) == b"\n"
    except UnicodeError:  # a codec that cannot even say that: no line to name
        by_lines = False
    if by_lines:
        with open(path, "rb") as f:
            for number, line in enumerate(f, 1):
                try:
                    line.decode(encoding)
                except UnicodeDecodeError as exc:
                    where = f"at row {number} (byte {offset + exc.start:,})"
                    break
                except UnicodeError:  # a codec's own complaint, e.g. a missing byte-order mark
                    where = f"at row {number}"
                    break
                offset += len(line)
    if encoding in ("utf-8", "utf-8-sig"):
        return DataError(f"not valid UTF-8 {where}; if it came from Excel in Chinese, try --encoding gb18030", file=name)
    label = encoding.upper().replace("_", "-")
    return DataError(
        f"not valid {label} {where}; check the file's encoding: try --encoding utf-8, or leave --encoding out "
        "(UTF-8 and GB18030 are recognised by themselves)",
        file=name,
    )
