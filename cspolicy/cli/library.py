"""Policy catalogue and descriptions (what ``cspolicy list`` and ``show`` print).

The command line's way to the library: :func:`load_policy` here reads through the cache of
compiled policies (:mod:`cspolicy.cli.policy_cache`), and nothing heavy is imported until a
command needs it, so ``cspolicy list`` and ``--help`` import neither PyYAML nor pydantic.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspolicy.cli.describe import describe_policy as describe_policy
    from cspolicy.cli.policy_cache import load_policy_cached as load_policy
    from cspolicy.i18n import Lang
    from cspolicy.schema.load import policy_json_schema as policy_json_schema

__all__ = ["policy_catalogue", "describe_policy", "load_policy", "policy_json_schema"]

#: Where each name lives (PEP 562: imported when first asked for, like ``cspolicy``'s own).
_EXPORTS = {
    "describe_policy": ("cspolicy.cli.describe", "describe_policy"),
    "load_policy": ("cspolicy.cli.policy_cache", "load_policy_cached"),
    "policy_json_schema": ("cspolicy.schema.load", "policy_json_schema"),
}


def __getattr__(name: str) -> object:
    found = _EXPORTS.get(name)
    if found is None:
        raise AttributeError(f"module 'cspolicy.cli.library' has no attribute '{name}'")
    value = getattr(importlib.import_module(found[0]), found[1])
    globals()[name] = value
    return value


def policy_catalogue(lang: Lang = "en") -> list[tuple[str, str]]:
    """(name, title) of every shipped policy: both titles in English (``物料申请 / Weekly
    material order``, so the handbook's name is always there), the Chinese one in Chinese."""
    from cspolicy.planner.policy import shipped_policies

    out = []
    for name, path in shipped_policies().items():
        zh, en = plain_title(path) or _read_title(path, f"{name}.yaml")
        out.append((name, zh if lang == "zh" else f"{zh} / {en}"))
    return out


def _read_title(path: Path, display: str) -> tuple[str, str]:
    from cspolicy.schema.load import read_policy_model

    model, _ = read_policy_model(path, display_name=display)
    return model.title.zh, model.title.en


#: ``  zh: 物料申请`` under ``title:``: a plain one-line value that YAML reads as the text
#: written (no quote, comment, indicator, control character or ``: `` in it).
_TITLE_LINE = re.compile(r"( +)(zh|en): ([^-?:,\[\]{}#&*!|>'\"%@`\s](?:(?!: | #)[^\x00-\x1f\x7f-\x9f])*)")
_NOT_TEXT = {"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~"}


def plain_title(path: Path) -> tuple[str, str] | None:
    """The (zh, en) title of a policy file written in the one plain layout every shipped
    policy uses, without reading the YAML::

        title:
          zh: 物料申请（周订单）
          en: Weekly material order

    followed by another top-level key; None for any other layout (the caller then reads the
    file in full), so a title is never guessed. Tests compare it with the full reading for
    every shipped policy.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if "\r" in text or "\t" in text:
        return None
    lines = text.split("\n")
    top = [line for line in lines if line[:1] not in ("", " ", "#")]
    if "title:" not in top or any(
        line.startswith(("title", '"', "'", "?", "{", "[", "<<", "---", "...")) for line in top if line != "title:"
    ):
        return None
    if top.count("title:") != 1:
        return None
    at = lines.index("title:")
    found = [_TITLE_LINE.fullmatch(line) for line in lines[at + 1 : at + 3]]
    following = lines[at + 3] if len(lines) > at + 3 else ""
    if not all(found) or not re.match(r"[A-Za-z_]", following):
        return None
    pairs = {m.group(2): m.group(3) for m in found if m}
    indents = {m.group(1) for m in found if m}
    if (
        set(pairs) != {"zh", "en"}
        or len(indents) != 1
        or any(v.rstrip() != v or v.endswith(":") or v in _NOT_TEXT for v in pairs.values())
    ):
        return None
    return pairs["zh"], pairs["en"]
