"""From the formula text a user wrote to Python source that :func:`ast.parse` may safely see.

This stage runs before any Python parsing, because Python's own parser recurses on deep
nesting and knows nothing of ``7%`` or ``×``. It:

* enforces the cheap limits (length, control characters, parenthesis nesting);
* drops ``#`` comments, each up to the end of its own line (a comment never swallows the
  lines after it in a formula written over several lines);
* NFKC-normalises everything outside string literals (full-width ``（）``, ``，``, digits)
  and maps ``× ÷ ≤ ≥ ≠ −`` to ``* / <= >= != -``; string contents are kept exactly as written;
* tokenises with :mod:`tokenize`, rejects names starting with ``_`` and any ``%`` that is
  not a percent suffix, and rewrites every number literal to ``_num("12")`` and every
  percent literal to ``_pct("7")``, so the exact digits reach the tree builder as text (never
  as a float); only this rewriter can produce those calls, since users cannot write ``_``
  names.

The result keeps, for every character of the rewritten source, the offset of the character
of the original text it came from, so errors point at what the user wrote.
"""

from __future__ import annotations

import io
import re
import tokenize
import unicodedata
from dataclasses import dataclass

from cspolicy.expressions.symbols import ExpressionError

__all__ = ["MAX_TEXT", "MAX_NESTING", "Source", "prepare", "one_line"]

#: The longest formula accepted, in characters.
MAX_TEXT = 2000
#: The deepest parenthesis nesting accepted.
MAX_NESTING = 40

_SYMBOLS = {"×": "*", "÷": "/", "≤": "<=", "≥": ">=", "≠": "!=", "\u2212": "-"}  # U+2212 minus sign
_CURLY_QUOTES = "‘’“”"
_PLAIN_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_SKIPPED = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
_LINE_ENDS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits on
_OPENERS = "([{"
_CLOSERS = ")]}"


@dataclass(frozen=True)
class Source:
    """The rewritten Python source ``code`` of formula ``raw``.

    ``origin[i]`` is the 0-based offset in ``raw`` of the character that ``code[i]`` came
    from; ``origin[len(code)]`` is ``len(raw)`` (the end).
    """

    raw: str
    code: str
    origin: tuple[int, ...]
    #: Offsets in ``raw`` of the ``#`` of each comment (dropped from ``code``).
    comments: tuple[int, ...] = ()

    def column(self, index: int) -> int:
        """The 1-based column in ``raw`` of ``code[index]`` (clamped to the end)."""
        index = max(0, min(index, len(self.code)))
        return self.origin[index] + 1


def _fail(message: str, offset: int, expected: str | None = None) -> ExpressionError:
    return ExpressionError(message, column=offset + 1, expected=expected)


def _check_characters(raw: str) -> None:
    if len(raw) > MAX_TEXT:
        raise _fail(
            f"the formula is too long: {len(raw)} characters, at most {MAX_TEXT} are allowed",
            MAX_TEXT,
        )
    if not raw.strip():
        raise _fail("the formula is empty", 0, "a formula such as parcels * 2")
    for i, ch in enumerate(raw):
        if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r\f\v":
            raise _fail(f"control character U+{ord(ch):04X} is not allowed in a formula", i)


def _normalise(raw: str, comments: list[int]) -> tuple[str, list[int]]:
    """NFKC and operator mapping outside strings; string literals copied as written; each
    comment (``#`` to the end of its line) becomes one space, its offset added to ``comments``."""
    out: list[str] = []
    origin: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        if raw[i].isnumeric() and not ("0" <= raw[i] <= "9" or "\uff10" <= raw[i] <= "\uff19"):
            # NFKC reads '¹' and '④' as 1 and 4, so '÷ 4¹' divided by 41: the digits of a
            # formula are those of a cell (ASCII and full-width), nothing else
            name = unicodedata.name(raw[i], "")
            raise _fail(f"'{raw[i]}' (U+{ord(raw[i]):04X} {name}) is not a digit".replace(" )", ")"), i, "the digits 0-9")
        ch = unicodedata.normalize("NFKC", raw[i])
        if ch in ("'", '"'):
            i = _copy_string(raw, i, ch, out, origin)
            continue
        if ch == "#":
            comments.append(i)
            out.append(" ")
            origin.append(i)
            while i < n and raw[i] not in _LINE_ENDS:
                i += 1
            continue
        if raw[i] in _CURLY_QUOTES:
            raise _fail(
                f"curly quote {raw[i]!r} cannot start a string",
                i,
                "straight quotes, as in 'station' or \"station\"",
            )
        if ch.isspace():
            ch = " "
        ch = _SYMBOLS.get(ch, ch)
        out.append(ch)
        origin.extend([i] * len(ch))
        i += 1
    return "".join(out), origin


def _copy_string(raw: str, start: int, quote: str, out: list[str], origin: list[int]) -> int:
    """Copy the string literal opening at ``start``; return the offset after it."""
    nfkc = unicodedata.normalize
    following = raw[start + 1 : start + 3]
    if len(following) == 2 and all(nfkc("NFKC", c) == quote for c in following):
        raise _fail("triple-quoted strings are not allowed", start, "a string such as 'station'")
    out.append(quote)
    origin.append(start)
    i = start + 1
    while i < len(raw):
        ch = raw[i]
        if nfkc("NFKC", ch) == quote:
            out.append(quote)
            origin.append(i)
            return i + 1
        if ch == "\\":
            raise _fail("a backslash is not allowed inside a string", i)
        if ch in "\r\n":
            break
        out.append(ch)
        origin.append(i)
        i += 1
    raise _fail("this string is never closed", start, f"a closing {quote}")


def one_line(raw: str) -> str:
    r"""A formula written over several lines, for showing: comments dropped, each line
    break with the spaces around it made one space (a string literal never spans lines).

    >>> one_line("parcels  # base\n  + 100   # bonus\n")
    'parcels + 100'
    """
    if "#" not in raw and "\n" not in raw and "\r" not in raw:
        return raw
    kept: list[str] = []
    quote = ""
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        norm = unicodedata.normalize("NFKC", ch)
        if quote:
            if norm == quote or ch in _LINE_ENDS:
                quote = ""
        elif norm in ("'", '"'):
            quote = norm
        elif norm == "#":
            while i < n and raw[i] not in _LINE_ENDS:
                i += 1
            continue
        kept.append(ch)
        i += 1
    return " ".join(line.strip() for line in "".join(kept).splitlines() if line.strip())


def _modulo_error(offset: int) -> ExpressionError:
    return _fail(
        "modulo (%) is not supported; % is only a percent suffix",
        offset,
        "% written right after a number, as in 7%",
    )


def prepare(raw: str) -> Source:
    """Check, normalise and rewrite ``raw``; raise :class:`ExpressionError` if it cannot be.

    >>> prepare("（x × 7%）").code
    '(x * _pct("7"))'
    """
    _check_characters(raw)
    comments: list[int] = []
    norm, norm_origin = _normalise(raw, comments)
    norm_origin.append(len(raw))
    tokens = [t for t in _tokens(norm, norm_origin) if t.type not in _SKIPPED]
    if not tokens:
        raise _fail("the formula is empty", 0, "a formula such as parcels * 2")
    code: list[str] = []
    origin: list[int] = []
    previous_end: int | None = None
    skip = False
    for k, tok in enumerate(tokens):
        if skip:
            skip = False
            continue
        start, end = tok.start[1], tok.end[1]
        if previous_end is not None:  # keep the spacing between tokens
            code.append(norm[previous_end:start])
            origin.extend(norm_origin[previous_end:start])
        previous_end = end
        text = tok.string
        if tok.type == tokenize.NUMBER:
            following = tokens[k + 1] if k + 1 < len(tokens) else None
            percent = following is not None and following.string == "%" and following.start[1] == end
            if percent:
                assert following is not None
                previous_end = following.end[1]
                skip = True
            text = f'_{"pct" if percent else "num"}("{text}")'
            origin.extend([norm_origin[start]] * len(text))
            code.append(text)
            continue
        code.append(text)
        origin.extend(norm_origin[start:end])
    origin.append(len(raw))
    return Source(raw, "".join(code), tuple(origin), tuple(comments))


def _tokens(norm: str, origin: list[int]) -> list[tokenize.TokenInfo]:
    """Tokenise ``norm``, checking nesting, names, numbers and ``%`` on the way."""
    result: list[tokenize.TokenInfo] = []
    stack: list[int] = []
    previous: tokenize.TokenInfo | None = None
    reader = io.StringIO(norm).readline
    try:
        for tok in tokenize.generate_tokens(reader):
            at = origin[min(tok.start[1], len(origin) - 1)]
            if tok.type == tokenize.ERRORTOKEN:
                if tok.string.isspace():
                    continue
                raise _fail(f"unexpected character {tok.string!r}", at)
            if tok.type == tokenize.OP and tok.string in _OPENERS:
                stack.append(at)
                if len(stack) > MAX_NESTING:
                    raise _fail(
                        f"parentheses are nested too deeply: more than {MAX_NESTING} levels",
                        at,
                    )
            elif tok.type == tokenize.OP and tok.string in _CLOSERS:
                if not stack:
                    raise _fail(f"unmatched {tok.string!r}", at)
                stack.pop()
            elif tok.type == tokenize.NAME and tok.string.startswith("_"):
                if previous is None or previous.string != ".":
                    raise _fail(f"names starting with '_' are not allowed: {tok.string!r}", at)
            elif tok.type == tokenize.NUMBER and not _PLAIN_NUMBER.match(tok.string):
                raise _fail(
                    f"{tok.string!r} is not a plain decimal number",
                    at,
                    "digits with an optional decimal point, such as 12 or 0.5",
                )
            elif tok.type == tokenize.OP and tok.string in ("%", "%="):
                after_number = (
                    previous is not None
                    and previous.type == tokenize.NUMBER
                    and previous.end[1] == tok.start[1]
                    and tok.string == "%"
                )
                if not after_number:
                    raise _modulo_error(at)
            result.append(tok)
            if tok.type not in _SKIPPED:
                previous = tok
    except tokenize.TokenError:
        if stack:
            raise _fail("this parenthesis is never closed", stack[-1], "a matching ')'") from None
        raise _fail("the formula ends too early", origin[-1]) from None
    except (SyntaxError, IndentationError) as exc:  # tokenize may raise these on odd input
        raise _fail(f"syntax error: {exc.msg}", origin[-1]) from None
    return result
