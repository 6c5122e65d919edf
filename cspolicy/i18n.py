"""Two languages, Chinese and English: the language type, the default language, and labels.

cspolicy's users are Chinese clerks, its identifiers English words. A :class:`Label` is
the name of one thing a policy declares (a column, a status value, a parameter, a rule) in
both languages; ``label.text(lang)`` gives the wording to show, falling back to the other
language and then to the identifier, so a policy without labels still reads.

The language of a command is ``--lang``, else ``CSPOLICY_LANG``, else the locale
(:func:`resolve_lang`). The library itself never reads the environment: its functions take
``lang`` and default to English, so a program's output does not change with the machine.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from cspolicy.errors import UsageError

__all__ = ["Lang", "LANGS", "LANGUAGE_NAMES", "Label", "resolve_lang", "parse_lang", "yes_no", "ENV_VAR"]

#: A language cspolicy speaks.
Lang = Literal["zh", "en"]
#: Every language, Chinese first (the users' language).
LANGS: Final[tuple[Lang, ...]] = ("zh", "en")
#: How each language is named in messages, in each language.
LANGUAGE_NAMES: Final[Mapping[Lang, Mapping[Lang, str]]] = {
    "zh": {"zh": "中文", "en": "Chinese"},
    "en": {"zh": "英文", "en": "English"},
}
#: The environment variable that sets the default language.
ENV_VAR: Final = "CSPOLICY_LANG"
#: The locale variables, in the order POSIX consults them for messages.
_LOCALE_VARS: Final = ("LC_ALL", "LC_MESSAGES", "LANG")


def _other(lang: Lang) -> Lang:
    return "en" if lang == "zh" else "zh"


@dataclass(frozen=True)
class Label:
    """The name of ``id`` in Chinese and English; either may be missing.

    >>> Label("cut_to_formula", zh="按公式核减", en="cut back to the formula").text("zh")
    '按公式核减'
    >>> Label("weekly_qty", en="weekly order").text("zh"), Label("status").text("en")
    ('weekly order', 'status')
    """

    id: str
    zh: str | None = None
    en: str | None = None

    def get(self, lang: Lang) -> str | None:
        """The label in ``lang`` exactly as declared (None when the policy gives none)."""
        return self.zh if lang == "zh" else self.en

    def text(self, lang: Lang) -> str:
        """The wording to show in ``lang``: its own, else the other language's, else the id."""
        return self.get(lang) or self.get(_other(lang)) or self.id

    def missing(self) -> tuple[Lang, ...]:
        """The languages this label lacks (for the completeness check)."""
        return tuple(lang for lang in LANGS if not self.get(lang))

    def texts(self) -> tuple[str, ...]:
        """The declared wordings, Chinese first, without repeats (header aliases, spellings)."""
        return tuple(dict.fromkeys(t for t in (self.zh, self.en) if t))


def parse_lang(text: str, *, source: str) -> Lang:
    """``zh``, ``zh_CN``, ``zh-Hans`` … → ``zh``; ``en``, ``en_US`` … → ``en``; else a
    :class:`UsageError` naming ``source`` (``--lang``, ``CSPOLICY_LANG``)."""
    key = text.strip().lower().replace("-", "_")
    for lang in LANGS:
        if key == lang or key.startswith(lang + "_") or key.startswith(lang + "."):
            return lang
    raise UsageError(f"{source}={text!r} is not a language cspolicy speaks", expected="zh (中文) or en (English)")


def _windows_ui_lang() -> str | None:
    """The Windows display language as ``zh``/``en`` (Windows sets no ``LANG``)."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        langid = int(ctypes.windll.kernel32.GetUserDefaultUILanguage())
        return "zh" if langid & 0x3FF == 0x04 else "en"  # LANG_CHINESE = 0x04
    return None


#: Asked when no variable names a language; replaced in tests.
system_language: Callable[[], str | None] = _windows_ui_lang


def resolve_lang(option: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """The language of a command.

    1. ``option`` (``--lang``), if given;
    2. else ``CSPOLICY_LANG`` (``zh``/``en``; another value is a usage error, never a guess);
    3. else the first non-empty of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (as POSIX reads
       them): ``zh…`` (``zh_CN.UTF-8``, ``zh_TW``) is Chinese, anything else (``C``,
       ``en_US.UTF-8``, ``de_DE``) English;
    4. else, on Windows, the display language; else English.

    >>> resolve_lang(None, {"LANG": "zh_CN.UTF-8"}), resolve_lang("en", {"LANG": "zh_CN.UTF-8"})
    ('zh', 'en')
    >>> resolve_lang(None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"})
    'en'
    """
    env = os.environ if environ is None else environ
    if option:
        return parse_lang(option, source="--lang")
    chosen = env.get(ENV_VAR, "").strip()
    if chosen:
        return parse_lang(chosen, source=ENV_VAR)
    for var in _LOCALE_VARS:
        value = env.get(var, "").strip()
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    system = system_language()
    return system if system in LANGS else "en"


def yes_no(lang: Lang) -> Mapping[str, str]:
    """How a true/false cell is written in ``lang``: ``yes``/``no`` or ``是``/``否``
    (both are read back by every boolean column)."""
    return {"yes": "是", "no": "否"} if lang == "zh" else {}
