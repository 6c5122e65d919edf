"""Strict, line-aware YAML reading for policy files.

PyYAML's defaults are wrong for a rulebook: a duplicate key silently keeps the last value
(a silent override of a rule), ``0.07`` becomes a binary float, and aliases can expand into
gigabytes. This loader composes the node tree itself and builds plain data:

* mappings become ``dict`` in file order; duplicate keys are errors;
* plain scalars stay **text** (``"0.07"``, ``"7%"``, ``"2020-01-01"``) so the schema can
  turn them into exact ``Decimal``/``date`` values; only ``true/false`` and null are
  converted; quoted scalars are always text;
* aliases are limited, the file size is limited;
* every mapping key and sequence item records its ``(line, column)`` under its path, so
  later validation errors can say ``file:line``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cspolicy.errors import PolicyError

__all__ = ["Document", "load_yaml", "MAX_POLICY_BYTES", "MAX_ALIASES"]

#: A policy file larger than this is refused before parsing.
MAX_POLICY_BYTES = 1024 * 1024
#: More alias references than this in one file are refused (no "billion laughs").
MAX_ALIASES = 20

Path = tuple[str | int, ...]

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}


@dataclass
class Document:
    """Plain data from one YAML file, with the position of every key and item."""

    file: str
    data: Any
    lines: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: Where each single-line text value starts: (line, column of its first character).
    scalars: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of the node at ``path``, or of its nearest recorded ancestor."""
        pos = self.position_of(path)
        return pos[0] if pos else None

    def position_of(self, path: Path) -> tuple[int, int] | None:
        p = tuple(path)
        while True:
            if p in self.lines:
                return self.lines[p]
            if not p:
                return None
            p = p[:-1]

    def error(self, path: Path, message: str, expected: str | None = None) -> PolicyError:
        """A :class:`PolicyError` placed at the node at ``path``."""
        return PolicyError(message, file=self.file, line=self.line_of(path), expected=expected)


class _Loader(yaml.SafeLoader):
    aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise PolicyError(
                    f"more than {MAX_ALIASES} YAML aliases",
                    line=mark.line + 1,
                    expected="a policy written out without heavy use of anchors (&) and aliases (*)",
                )
        node: Node | None = super().compose_node(parent, index)
        return node


def load_yaml(path: str | os.PathLike[str], *, display_name: str | None = None) -> Document:
    """Read one policy file into a :class:`Document` (raises :class:`PolicyError`)."""
    name = display_name or os.fspath(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_POLICY_BYTES:
            raise PolicyError(f"file is {size} bytes", file=name, expected=f"a policy file of at most {MAX_POLICY_BYTES} bytes")
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise PolicyError(f"cannot read policy file: {exc.strerror or exc}", file=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"not valid UTF-8 at byte {exc.start}", file=name, expected="a policy file saved as UTF-8") from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Document:
    """Parse YAML text (already decoded) into a :class:`Document`."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except PolicyError as exc:
            raise exc.located(name, exc.line) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            col = mark.column + 1 if mark else None
            problem = exc.problem or exc.context or "invalid YAML"
            raise PolicyError(f"YAML syntax: {problem}", file=name, line=line, column=col) from None
        except yaml.YAMLError as exc:
            raise PolicyError(f"YAML syntax: {exc}", file=name) from None
    finally:
        loader.dispose()
    doc = Document(file=name, data=None)
    if node is None:
        raise PolicyError("the file is empty", file=name, expected="a policy mapping with name, title, inputs, outputs")
    doc.data = _build(node, (), doc)
    return doc


def _note_scalar(node: Node, path: Path, doc: Document) -> None:
    """Record where a one-line plain or quoted value's text starts, so an error at
    character N of a formula can be placed at its exact file column."""
    if isinstance(node, ScalarNode) and node.style in (None, "'", '"') and node.start_mark.line == node.end_mark.line:
        quote = 0 if node.style is None else 1
        doc.scalars[path] = (node.start_mark.line + 1, node.start_mark.column + 1 + quote)


def _build(node: Node, path: Path, doc: Document) -> Any:
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise PolicyError("YAML merge keys (<<) are not supported", file=doc.file, line=key_node.start_mark.line + 1)
            if not isinstance(key_node, ScalarNode):
                raise PolicyError("a key must be plain text", file=doc.file, line=key_node.start_mark.line + 1)
            key = str(key_node.value)
            if key in out:
                first = doc.lines.get((*path, key), (0, 0))[0]
                raise PolicyError(
                    f"duplicate key '{key}' (first at line {first})",
                    file=doc.file,
                    line=key_node.start_mark.line + 1,
                    expected="each key once per mapping",
                )
            doc.lines[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _note_scalar(value_node, (*path, key), doc)
            out[key] = _build(value_node, (*path, key), doc)
        return out
    if isinstance(node, SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[(*path, i)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_build(item, (*path, i), doc))
        return items
    assert isinstance(node, ScalarNode)
    value = str(node.value)
    if node.style is None:  # plain scalar: only booleans and null are interpreted
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if value in _NULL:
            return None
    return value
