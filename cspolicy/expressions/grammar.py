"""The grammar of explanations in Chinese and English: comparison verbs, the phrases for
a value given or not, how words are joined in each language, and the pieces a formula in
words is made of (:class:`Atom`, :class:`Worded`) with the :class:`Vocabulary` a caller
provides (labels, value labels, its own functions). :mod:`.explain` uses them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from cspolicy.text import format_plain
from cspolicy.values import Value

__all__ = [
    "Atom",
    "Worded",
    "Vocabulary",
    "join_words",
    "label_value",
    "exact_text",
    "comparison",
    "reasons_text",
    "wording",
    "VERBS",
    "DATE_VERBS",
    "GRAMMAR",
    "quoted_space",
    "NEGATE",
    "FLIP",
    "LOGIC_WORDS",
]

# -- words ------------------------------------------------------------------------------------
#: How each comparison reads, by language; numbers and dates have their own verbs.
VERBS: dict[str, dict[str, str]] = {
    "en": {">": "is above", ">=": "is at least", "<": "is below", "<=": "is at most", "==": "is", "!=": "is not"},
    "zh": {">": "超过", ">=": "不低于", "<": "低于", "<=": "不超过", "==": "等于", "!=": "不等于"},
}
DATE_VERBS: dict[str, dict[str, str]] = {
    "en": {">": "is after", ">=": "is on or after", "<": "is before", "<=": "is on or before", "==": "is", "!=": "is not"},
    "zh": {">": "晚于", ">=": "不早于", "<": "早于", "<=": "不晚于", "==": "是", "!=": "不是"},
}
#: The rest of the grammar: ``{x}`` a name, ``{v}`` a value, ``{w}`` another value.
GRAMMAR: dict[str, dict[str, str]] = {
    "en": {
        "given": "{x} was given ({v})",
        "not_given": "no {x} was given",
        "is": "{x} is {v}",
        "is_not": "{x} is {v} (not {w})",
        "flag": "{x}: {v}",
        "empty": "(empty)",
        "default": "the default {v}",
        "zero_divisor": "{d} is 0 and {n} cannot be divided by 0",
        "yes": "yes",
        "no": "no",
        "always": "always",
        "never": "never",
        "and": " and ",
    },
    "zh": {
        "given": "{x} 已填写（{v}）",
        "not_given": "未填写 {x}",
        "is": "{x} 为 {v}",
        "is_not": "{x} 为 {v} 而非 {w}",
        "flag": "{x}：{v}",
        "empty": "（空）",
        "default": "默认值 {v}",
        "zero_divisor": "{d} 为 0，{n} 无法除以 0",
        "yes": "是",
        "no": "否",
        "always": "总是成立",
        "never": "从不成立",
        "and": "，",
    },
}
NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def quoted_space(text: str, lang: str) -> str | None:
    """A text literal of only spaces (or none), made visible: ``“ ”``, ``" "`` (a
    separator in ``item & ' ' & name``); None for any other text."""
    if text.strip():
        return None
    return f"“{text}”" if lang == "zh" else f'"{text}"'


def wording(lang: str, key: str, **parts: str) -> str:
    """A phrase of :data:`GRAMMAR` with its parts put in (the parts themselves untouched)."""
    template = GRAMMAR[lang][key]
    if lang != "zh":
        return template.format(**parts)
    return join_words([piece.format(**parts) for piece in template.split(" ")], lang)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _tight(a: str, b: str) -> bool:
    """No space between ``a`` and ``b``: two Chinese characters, or Chinese punctuation."""
    return (_wide(a) and _wide(b)) or _punct(a) or _punct(b)


def join_words(text: str | Sequence[str], lang: str) -> str:
    """Parts joined as ``lang`` writes them: English with spaces; Chinese without a space
    between two Chinese characters (``未填写`` + ``情况说明``), with one between Chinese and
    a number or Latin word (``申请数量 2200 超过``). A string is split at its spaces first,
    so Chinese templates can be written with spaces (labels and values keep their own).

    >>> join_words(["申请数量 2200", "超过", "一周申请数量 2040"], "zh")
    '申请数量 2200 超过一周申请数量 2040'
    >>> join_words("未填写 情况说明", "zh"), join_words(["no", "reason"], "en")
    ('未填写情况说明', 'no reason')
    """
    if isinstance(text, str):
        if lang != "zh":
            return text
        parts = text.split(" ")
    else:
        parts = [p for p in text if p]
        if lang != "zh":
            return " ".join(parts)
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not _tight(out[-1], part[0]):
            out += " "
        out += part
    return out


def label_value(label: str, value: str, lang: str) -> str:
    """A name with its value, one space between (``姓名 王芳``, ``parcels 10000``), none
    next to Chinese punctuation (``损耗率（未取整）8%``, ``罚款金额（空）``)."""
    if lang == "zh" and label and value and (_punct(label[-1]) or _punct(value[0])):
        return label + value
    return f"{label} {value}"


def _punct(ch: str) -> bool:
    return _wide(ch) and unicodedata.category(ch)[0] == "P"


def exact_text(value: Value) -> str:
    """An unrounded number without meaningless trailing zeros (``12200.0000`` → ``12200``)."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return format_plain(value)


# -- what the caller provides -----------------------------------------------------------------
@dataclass(frozen=True)
class Atom:
    """One plain statement about a row (``申请数量 2200 超过一周申请数量 2040``).

    ``names`` are the names whose values it states; ``given`` is set when it only says that
    this name was given (dropped when another statement shows the value).
    """

    text: str
    names: frozenset[str] = frozenset()
    given: str | None = None


@dataclass(frozen=True)
class Worded:
    """A value in words: ``phrase`` (the arithmetic of the branch taken, with its values),
    ``reasons`` (why each branch was taken), ``single`` (the phrase is one term),
    ``names`` (the names it shows) and ``fallbacks`` (each name left blank for which a
    ``coalesce`` used another value, with that value as shown)."""

    phrase: str
    reasons: tuple[Atom, ...] = ()
    single: bool = True
    names: frozenset[str] = frozenset()
    fallbacks: tuple[tuple[str, str], ...] = ()


class Vocabulary(Protocol):
    """The words of one policy in one language, for :func:`word_value`."""

    @property
    def lang(self) -> str:
        """``zh`` or ``en``."""

    def name(self, name: str) -> str:
        """The label of a name a formula reads."""

    def value(self, name: str | None, value: Value) -> str:
        """A value as shown; ``name`` is the name it belongs to (its value labels apply),
        None for a result of the figure explained."""

    def call(self, func: str, args: Sequence[Value], phrases: Sequence[str]) -> Worded | None:
        """Words for a call of a caller-provided function (a band table), or None for the
        plain ``func(args)`` form."""


def comparison(subject: str, op: str, other: str, lang: str, *, dates: bool = False) -> str:
    """``subject op other`` in words: ``comparison('x 7%', '<=', 'y 7%', 'en')`` →
    ``'x 7% is at most y 7%'`` (for band tables and other callers)."""
    verbs = (DATE_VERBS if dates else VERBS)[lang]
    return join_words([subject, verbs[op], other], lang)


def reasons_text(reasons: Sequence[Atom], lang: str) -> str:
    """The statements joined as one sentence (``A, B and C`` / ``A，B，C``), without a
    "was given" that another statement makes plain, and without repeats."""
    stated = {name for a in reasons if a.given is None for name in a.names}
    kept: list[str] = []
    for atom in reasons:
        if (atom.given is not None and atom.given in stated) or atom.text in kept:
            continue
        kept.append(atom.text)
    if lang == "zh":
        return "，".join(kept)
    if len(kept) <= 1:
        return "".join(kept)
    return ", ".join(kept[:-1]) + " and " + kept[-1]


LOGIC_WORDS = {"en": {"and": "and", "or": "or"}, "zh": {"and": "且", "or": "或"}}
