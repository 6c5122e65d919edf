"""From a policy file to a validated :class:`PolicyModel`, with ``file:line`` errors."""

from __future__ import annotations

import json
import os
from typing import Any

from pydantic import ValidationError

from cspolicy.errors import PolicyError
from cspolicy.schema.models import PolicyModel, Strict
from cspolicy.schema.yamlsource import Document, load_yaml, parse_yaml

__all__ = ["read_policy_model", "parse_policy_model", "validate_document", "policy_json_schema"]

_EXPECTED = {
    "missing": "this key to be present",
    "string_type": "text",
    "bool_type": "true or false",
    "dict_type": "a mapping of key: value lines",
    "list_type": "a list of '- item' lines",
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
    errors = exc.errors()

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
    for err in errors:
        loc = tuple(_clean_loc(err["loc"]))
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
        if err["type"] == "missing":
            msg = f"missing key '{loc[-1]}'" if loc else "missing key"
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
