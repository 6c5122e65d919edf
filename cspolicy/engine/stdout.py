"""Output on standard output: refused when its encoding cannot hold the output, and CSV
for Excel written as a BOM and UTF-8 bytes whatever the console's encoding."""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Iterator, Sequence
from typing import TextIO

from cspolicy.errors import EnvironmentFailure
from cspolicy.tables.chars import describe, escaped

__all__ = ["fits_stdout", "write_bom_and_utf8"]


def fits_stdout(spools: Sequence[TextIO], stdout: TextIO, fix: str, names: str = "") -> None:
    """Refuse (exit 3) CSV or JSON that standard output's encoding cannot hold (an ASCII, a
    Latin-1 or a GBK console, ``PYTHONIOENCODING``): it would write ``?`` in place of those
    characters, and data redirected to a file must be what the run computed."""
    encoding = getattr(stdout, "encoding", None) or "utf-8"
    try:
        if codecs.lookup(encoding).name in ("utf-8", "utf-16", "utf-32", "gb18030"):
            return  # every character
    except LookupError:
        return
    for text in [names, *(_chunks(spool) for spool in spools)]:
        for chunk in [text] if isinstance(text, str) else text:
            try:
                chunk.encode(encoding)
            except UnicodeEncodeError as exc:
                bad = chunk[exc.start]
                raise EnvironmentFailure(
                    f"its encoding {encoding} cannot write '{escaped(bad)}' ({describe(bad)}) of the output, "
                    f"which would become '?'; write it with {fix}, or set PYTHONIOENCODING=utf-8",
                    path="standard output",
                ) from None


def _chunks(spool: TextIO) -> Iterator[str]:
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        yield chunk


def write_bom_and_utf8(spool: TextIO, stdout: TextIO) -> None:
    """CSV on stdout for Excel (``--bom``): a BOM and UTF-8 bytes, whatever the terminal's
    encoding (a BOM announces UTF-8, so on a Chinese Windows console, whose text encoding is
    GBK, the bytes go to the binary stream beneath it)."""
    buffer = getattr(stdout, "buffer", None)
    if buffer is None:  # a text-only stream (io.StringIO): the BOM as a character
        stdout.write("\ufeff")
        shutil.copyfileobj(spool, stdout)
        return
    stdout.flush()
    buffer.write(codecs.BOM_UTF8)
    while chunk := spool.read(1 << 16):
        buffer.write(chunk.encode("utf-8"))
    buffer.flush()
