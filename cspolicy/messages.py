"""What cspolicy says on stderr, in the command's language: errors, warnings, progress.

cspolicy builds its messages in English where it finds the problem (a cell converter, the
policy loader, the writer), and its errors keep their parts apart: the place (``file:row:
column``, ``file:line``), the message and what was expected. The messages are public API in
English (tests and scripts pin them). Chinese is produced at the one place a message leaves
the program, the CLI's choke point, by a **catalogue of templates**
(:mod:`cspolicy.messages_zh`): each pairs an English pattern with its Chinese wording::

    ("column {col:q}: {detail:m}", "列 {col}：{detail}")

A pattern matches the whole text. ``{name}`` matches any text and ``{name:w}`` one word
(an identifier, a number, a file name without spaces); ``{name:q}`` matches a quoted value
(``'…'`` or ``"…"``); ``{name:a}`` any text, even over ``"; "`` (a list joined by
``"; "``); these are copied into the Chinese as they are. ``{name:m}`` is a part
that is itself a message, translated by the same catalogue (so ``column 'x': …`` wraps
every cell message). A text is a series of clauses joined by ``"; "`` (``the directory
does not exist; create it or write elsewhere``): only a quoted value spans two clauses, and
clauses no template takes together are translated one by one, joined by ``"；"``.

The place stays as it is (``stations.csv:3:上月实际票数: ``), so the same file, row and
column name the same cell in both languages.

**Fallback**: a text the catalogue cannot translate completely is shown in English, exactly
as in an English run (never half translated, never an error of its own).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from cspolicy.errors import CspolicyError, DataError, DataErrors, EnvironmentFailure, PolicyError
from cspolicy.i18n import Lang
from cspolicy.notes import SHOWN, Warnings

__all__ = ["Catalogue", "catalogue", "translate", "error_text", "warning_lines"]

#: What each kind of placeholder matches.
_ANY = r"(?:(?!; ).)+?"  # any text within one clause
_KINDS = {"": _ANY, "m": _ANY, "w": r"\S+?", "q": r"'[^']*'|\"[^\"]*\"", "a": r".+?"}
_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w))?\}")
#: Longer texts are not translated (a guard against slow matching of huge values).
_MAX_CHARS = 4000


class _Template:
    """One English pattern and its translation, compiled the first time a text could match it
    (its literal prefix fits): a run that says two things compiles two patterns, not the
    catalogue's nine hundred (about 0.25 s at every start)."""

    __slots__ = ("english", "zh", "prefix", "_compiled")

    def __init__(self, english: str, zh: str) -> None:
        _check(english, zh)  # a bad pair is refused at once; compiling waits until a text could match
        first = _PLACEHOLDER.search(english)
        self.english, self.zh = english, zh
        self.prefix = english[: first.start()] if first else english  # the literal start (a quick filter)
        self._compiled: tuple[re.Pattern[str], frozenset[str]] | None = None

    def compiled(self) -> tuple[re.Pattern[str], frozenset[str]]:
        """The pattern and the placeholders that are messages themselves."""
        if self._compiled is None:
            self._compiled = _compile(self.english, self.zh)
        return self._compiled


def _check(english: str, zh: str) -> None:
    """Refuse a template pair whose placeholders do not fit (an unknown kind, a Chinese
    placeholder the English lacks), without compiling it."""
    names = set()
    for match in _PLACEHOLDER.finditer(english):
        if (match.group(2) or "") not in _KINDS:
            raise ValueError(f"unknown placeholder kind {{{match.group(1)}:{match.group(2)}}} in {english!r}")
        names.add(match.group(1))
    for name in _PLACEHOLDER.findall(zh):
        if name[0] not in names:
            raise ValueError(f"{{{name[0]}}} of the Chinese {zh!r} is not in {english!r}")


def _compile(english: str, zh: str) -> tuple[re.Pattern[str], frozenset[str]]:
    """The pattern of a pair :func:`_check` accepted, and its placeholders that are messages."""
    parts: list[str] = []
    translated: set[str] = set()
    end = 0
    for match in _PLACEHOLDER.finditer(english):
        name, kind = match.group(1), match.group(2) or ""
        parts.append(re.escape(english[end : match.start()]))
        parts.append(f"(?P<{name}>{_KINDS[kind]})")
        if kind == "m":
            translated.add(name)
        end = match.end()
    parts.append(re.escape(english[end:]))
    return re.compile("".join(parts), re.DOTALL), frozenset(translated)


class Catalogue:
    """English → another language, by templates tried in order (the first that fits wins)."""

    def __init__(self, pairs: Sequence[tuple[str, str]], *, clause_joiner: str) -> None:
        self.templates = [_Template(en, zh) for en, zh in pairs]
        self.clause_joiner = clause_joiner
        self.translate = functools.lru_cache(maxsize=4096)(self._translate)

    def extend(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Add templates (a policy's own bilingual messages), tried before the others."""
        known = {t.english for t in self.templates}
        new = [_Template(en, zh) for en, zh in pairs if en not in known]
        if new:
            self.templates[:0] = new
            self.translate.cache_clear()

    def _translate(self, text: str) -> str | None:
        """The translation of ``text``, or None when some part of it has no template."""
        if len(text) > _MAX_CHARS:
            return None
        for template in self.templates:
            if not text.startswith(template.prefix):
                continue
            pattern, translated = template.compiled()
            match = pattern.fullmatch(text)
            if match is None:
                continue
            values: dict[str, str] = {}
            for name, value in match.groupdict().items():
                if name in translated:
                    done = self.translate(value)
                    if done is None:
                        break
                    value = done
                values[name] = value
            else:
                return _fill(template.zh, values)
        return self._clauses(text)

    def check(self) -> None:
        """Compile every template now (a test's way to find a bad one)."""
        for template in self.templates:
            template.compiled()

    def join(self, clauses: Sequence[str]) -> str:
        """Clauses joined by the joiner, but after a question mark (``是不是 'x'？``) directly."""
        out = clauses[0] if clauses else ""
        for clause in clauses[1:]:
            out += ("" if out.endswith(("？", "。", "！")) else self.clause_joiner) + clause
        return out

    def _clauses(self, text: str) -> str | None:
        """``a; b`` as the translations of ``a`` and ``b``, trying each ``"; "`` in turn."""
        start = 0
        while (at := text.find("; ", start)) > 0:
            head, tail = self.translate(text[:at]), None
            if head is not None:
                tail = self.translate(text[at + 2 :])
                if tail is not None:
                    return self.join([head, tail])
            start = at + 2
        return None


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _fill(template: str, values: dict[str, str]) -> str:
    """``template`` with its placeholders filled; a space between a Chinese character of the
    template and a Latin letter or digit of a value (``应为 7%``, not ``应为7%``)."""
    out: list[str] = []
    end = 0
    for match in _PLACEHOLDER.finditer(template):
        value = values[match.group(1)]
        before, after = template[end : match.start()], template[match.end() : match.end() + 1]
        out.append(before)
        if value and before and _cjk(before[-1]) and value[0].isascii() and value[0].isalnum():
            out.append(" ")
        out.append(value)
        if value and after and _cjk(after) and value[-1].isascii() and value[-1].isalnum():
            out.append(" ")
        end = match.end()
    out.append(template[end:])
    return "".join(out)


@functools.cache
def catalogue(lang: Lang) -> Catalogue | None:
    """The catalogue of ``lang`` (None for English, the language messages are written in)."""
    if lang == "en":
        return None
    from cspolicy.messages_zh import CLAUSE_JOINER, TEMPLATES

    return Catalogue(TEMPLATES, clause_joiner=CLAUSE_JOINER)


def translate(text: str, lang: Lang) -> str:
    """``text`` (one English message or line) in ``lang``; the English text itself when the
    catalogue cannot translate all of it.

    >>> translate("the file is empty", "zh"), translate("the file is empty", "en")
    ('文件是空的', 'the file is empty')
    >>> translate("no template says this", "zh")
    'no template says this'
    """
    table = catalogue(lang)
    if table is None:
        return text
    return table.translate(text) or text


def _tail(message: str, expected: str | None) -> str:
    return message + (f"; expected {expected}" if expected else "")


def error_text(exc: CspolicyError, lang: Lang) -> str:
    """``str(exc)`` in ``lang``: the place as it is, the message and what was expected
    translated; ``str(exc)`` itself when the catalogue cannot translate them."""
    english = str(exc)
    table = catalogue(lang)
    if table is None:
        return english
    if isinstance(exc, DataErrors):
        lines = [error_text(e, lang) for e in exc.errors]
        if exc.truncated:
            lines.append(translate(f"… and {exc.truncated} more errors not shown", lang))
        return "\n".join(lines)
    if isinstance(exc, (PolicyError, DataError)):
        parts = [exc.message] + ([f"expected {exc.expected}"] if exc.expected else [])
        tail = _tail(exc.message, exc.expected)
    elif isinstance(exc, EnvironmentFailure):
        parts = [exc.message]
        tail = exc.message
    else:
        parts, tail = [english], english
    if not english.endswith(tail):  # a subclass that renders itself another way
        parts, tail = [english], english
    done = [table.translate(part) for part in parts]
    if any(d is None for d in done):
        return english
    return english[: len(english) - len(tail)] + table.join([d for d in done if d is not None])


#: The key shown for the one group of an output grouped without ``group_by``.
_TOTAL: dict[str, str] = {"zh": "合计"}


def warning_lines(warnings: Warnings, lang: Lang, limit: int = SHOWN) -> list[str]:
    """The run's warnings as the lines shown after it (:meth:`Warnings.lines`) in ``lang``:
    the prefix, the place and the count translated, the message translated when the
    catalogue has it, else as the policy wrote it (a policy's own words, like a label)."""
    if catalogue(lang) is None:
        return warnings.lines(limit)
    notes = list(warnings)
    shown = notes if not limit else notes[:limit]
    prefix = translate("warning: ", lang)
    out = []
    for note in shown:
        if note.file or note.output is None:  # file:row:column stays as it is
            place = f"{note.place}: " if note.place else ""
        else:
            key = _TOTAL.get(lang, note.key) if note.key == "the total" else note.key  # a group of the whole table
            place = translate(f"output '{note.output}'", lang) + (f"，{key}" if key else "") + "："
        text = place + translate(note.message, lang)
        text += f" [{note.rule}]" if note.rule else ""
        out.append(prefix + text + (translate(f" ({note.count} times)", lang) if note.count > 1 else ""))
    more = sum(n.count for n in notes[len(shown) :]) + warnings.dropped
    if more:
        out.append(prefix + translate(f"… and {more:,} more warnings (all kept ones are in JSON output)", lang))
    return out
