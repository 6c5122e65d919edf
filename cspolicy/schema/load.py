"""From a policy file to a validated :class:`PolicyModel`, with ``file:line`` errors."""

from __future__ import annotations

import json
import os
from typing import Any

from pydantic import ValidationError

from cspolicy.errors import PolicyError
from cspolicy.schema.models import RULE_ID_PATTERN, PolicyModel, Strict
from cspolicy.schema.yamlsource import Document, load_yaml, parse_yaml

__all__ = ["read_policy_model", "parse_policy_model", "validate_document", "policy_json_schema"]

_EXPECTED = {
    "missing": "this key to be present",
    "string_type": "text",
    "bool_type": "true or false",
    "dict_type": "a mapping of key: value lines",
    "model_type": "a mapping of key: value lines",
    "list_type": "a list of '- item' lines",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "literal_error": None,
    "string_pattern_mismatch": None,
    "too_short": None,
}


def read_policy_model(path: str | os.PathLike[str], *, display_name: str | None = None) -> tuple[PolicyModel, Document]:
    """Load and validate one policy file (raises :class:`PolicyError`)."""
    doc = load_yaml(path, display_name=display_name)
    return validate_document(doc), doc


def parse_policy_model(text: str, name: str = "<policy>") -> tuple[PolicyModel, Document]:
    """Like :func:`read_policy_model` for YAML text already in memory."""
    doc = parse_yaml(text, name)
    return validate_document(doc), doc


def validate_document(doc: Document) -> PolicyModel:
    """The policy model of a parsed file (raises :class:`PolicyError` at the first problem)."""
    if not isinstance(doc.data, dict):
        raise doc.error((), "a policy must be a mapping", "keys such as name, title, inputs, outputs")
    try:
        return PolicyModel.model_validate(doc.data)
    except ValidationError as exc:
        raise _to_policy_error(exc, doc) from None


def _to_policy_error(exc: ValidationError, doc: Document) -> PolicyError:
    """Report the first (earliest in the file) problem, placed at its YAML line."""
    located = []
    errors = _merge_branches(exc.errors())

    # A value that may be text (or 'none') or a mapping fails every way; when it is a
    # mapping, the mapping's own error (an unknown key, a bad field) is the one that helps.
    def is_branch_miss(e: Any) -> bool:
        return e["type"] in ("string_type", "literal_error") and isinstance(e.get("input"), dict)

    inner = [tuple(_clean_loc(e["loc"])) for e in errors if not is_branch_miss(e)]
    errors = [
        e
        for e in errors
        if not (is_branch_miss(e) and any(loc[: len(_clean_loc(e["loc"]))] == tuple(_clean_loc(e["loc"])) for loc in inner))
    ]
    # every key missing from one mapping is one problem, said at once: "missing keys 'a', 'b'"
    missing: dict[tuple[str | int, ...], list[str]] = {}
    for err in errors:
        if err["type"] == "missing":
            loc = tuple(_clean_loc(err["loc"]))
            if loc:
                missing.setdefault(loc[:-1], []).append(str(loc[-1]))
    said: set[tuple[str | int, ...]] = set()
    for err in errors:
        loc = tuple(_clean_loc(err["loc"]))
        if err["type"] == "missing" and loc:
            if loc[:-1] in said:
                continue
            said.add(loc[:-1])
        ctx = err.get("ctx") or {}
        path: tuple[str | int, ...] = loc
        if err["type"] == "unknown_key":
            path = (*loc, str(ctx.get("badkey")))
        line = doc.line_of(path)
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        expected = _EXPECTED.get(err["type"])
        if err["type"] == "string_pattern_mismatch":
            msg, expected = _pattern_words(err)
        elif err["type"] == "branches":
            expected = ctx["expected"]
        elif err["type"] in _NOT_A:
            msg = f"{_shown(err.get('input'))} is not {_NOT_A[err['type']]}"
        elif err["type"] in ("greater_than_equal", "less_than_equal"):
            low = err["type"] == "greater_than_equal"
            bound = ctx.get("ge" if low else "le")
            msg = f"{_shown(err.get('input'))} is {'below the minimum' if low else 'above the maximum'} {bound}"
            expected = f"a whole number {'of at least' if low else 'of at most'} {bound}"
        if err["type"] == "missing":
            keys = missing.get(loc[:-1], []) if loc else []
            msg = f"missing key{'s' if len(keys) > 1 else ''} {', '.join(repr(k) for k in keys)}" if keys else "missing key"
            expected = "these keys to be present" if len(keys) > 1 else expected
            where = ".".join(str(p) for p in loc[:-1])
            line = doc.line_of(loc[:-1])
        text = f"{where}: {msg}" if where else msg
        located.append((line or 0, text, expected))
    located.sort(key=lambda t: t[0])
    line, text, expected = located[0]
    more = len(located) - 1
    if more:
        text += f" (and {more} more problem{'s' if more > 1 else ''})"
    return PolicyError(text, file=doc.file, line=line or None, expected=expected)


#: What each kind of union branch takes, in words (a value failing every branch of a union
#: is one problem, not one per branch: "a valid string … (and 1 more problem)").
_BRANCH_WORDS = {
    "model_type": "a mapping of key: value lines",
    "dict_type": "a mapping of key: value lines",
    "list_type": "a list of '- item' lines",
    "string_type": "text",
    "bool_type": "true or false",
}


#: A single type error, in words: ``true is not text`` rather than "Input should be a valid string".
_NOT_A = {
    "string_type": "text",
    "bool_type": "true or false",
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
}


def _shown(value: Any) -> str:
    if value is None:
        return "an empty value (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value)


def _merge_branches(errors: list[Any]) -> list[Any]:
    """Several type errors at one place (a value that fits no branch of a union) become one:
    ``[0]`` for a parameter's value is "a list, where one value goes", not "Input should be
    a valid string (and 1 more problem)"."""
    groups: dict[tuple[str | int, ...], list[Any]] = {}
    for err in errors:
        groups.setdefault(tuple(_clean_loc(err["loc"])), []).append(err)
    out = []
    for loc, group in groups.items():
        kinds = [e for e in group if e["type"] in _BRANCH_WORDS or e["type"] == "literal_error"]
        if len(kinds) < 2 or len(kinds) != len(group):
            out += group
            continue
        types = {e["type"] for e in kinds}
        if types == {"string_type", "bool_type"}:  # a Scalar: one value written like a cell
            expected = "one value, such as 7%, 120, 2024-03-01 or a name"
        else:
            words = [_BRANCH_WORDS.get(e["type"]) or str((e.get("ctx") or {}).get("expected", "")) for e in kinds]
            expected = " or ".join(dict.fromkeys(w for w in words if w))
        value = _shown(kinds[0].get("input"))
        message = f"{value} where one value goes" if types == {"string_type", "bool_type"} else f"{value} does not fit here"
        out.append({"type": "branches", "loc": loc, "msg": message, "ctx": {"expected": expected}})
    return out


_PATTERNS = {
    r"^\d{4}-\d{2}-\d{2}$": ("is not a date written YYYY-MM-DD", "a date such as 2024-03-01"),
    RULE_ID_PATTERN: ("is not a rule ID", "a rule ID such as R-MT-1 (R-, two capital letters, -, a number)"),
    r"^[a-z0-9][a-z0-9-]*$": ("is not a policy name", "lower-case letters, digits and dashes, such as materials-order"),
}


def _pattern_words(err: Any) -> tuple[str, str | None]:
    """A value that does not match a field's pattern, in words."""
    pattern = str((err.get("ctx") or {}).get("pattern", ""))
    what, expected = _PATTERNS.get(pattern, ("does not have the expected form", None))
    return f"{err.get('input')!r} {what}", expected


#: The policy models' class names: pydantic puts them in a location inside a union.
_MODEL_NAMES = frozenset(cls.__name__ for cls in Strict.__subclasses__())


def _clean_loc(loc: tuple[Any, ...]) -> list[str | int]:
    """Drop pydantic's union-branch markers (``str``, ``OutputColumn``) from a location."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part in ("str", "bool", "int", *_MODEL_NAMES) or part.startswith(("function-", "dict[", "list[", "literal["))
        ):
            continue
        out.append(part)
    return out


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of the policy format, for editor completion and validation."""
    schema = PolicyModel.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cspolicy policy file"
    result: dict[str, Any] = json.loads(json.dumps(schema))
    return result
