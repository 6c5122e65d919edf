"""Strict, line-aware YAML reading for policy files.

PyYAML's defaults are wrong for a rulebook: a duplicate key silently keeps the last value
(a silent override of a rule), ``0.07`` becomes a binary float, and aliases can expand into
gigabytes. This loader composes the node tree itself and builds plain data:

* mappings become ``dict`` in file order; duplicate keys are errors;
* plain scalars stay **text** (``"0.07"``, ``"7%"``, ``"2020-01-01"``) so the schema can
  turn them into exact ``Decimal``/``date`` values; only ``true/false`` and null are
  converted; quoted scalars are always text;
* the file size, the number of aliases, the nesting depth and the number of values once
  aliases are expanded are all limited, and control characters (NUL, escapes, lone
  surrogates) are refused with their line, so no file can exhaust memory or the stack;
* every mapping key and sequence item records its ``(line, column)`` under its path, so
  later validation errors can say ``file:line``.
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cspolicy.errors import PolicyError
from cspolicy.schema.source import MAX_POLICY_BYTES, Document, Path, read_policy_bytes

__all__ = [
    "Document",
    "load_yaml",
    "parse_yaml",
    "parse_policy_bytes",
    "MAX_POLICY_BYTES",
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_NODES",
]

#: More alias references than this in one file are refused (no "billion laughs").
MAX_ALIASES = 20
#: Deepest nesting of mappings and lists (the shipped policies need 8); checked while
#: composing, before Python's own recursion limit could be reached.
MAX_DEPTH = 32
#: Most values (keys, items, scalars) a policy may hold once aliases are expanded (the
#: largest shipped policy holds about 400, a 1 MiB policy of 2,300 columns about 7,000).
MAX_NODES = 100_000

#: Characters a policy may not contain: C0/C1 controls other than tab and line breaks,
#: DEL, lone surrogates and the non-characters U+FFFE/U+FFFF (what YAML's reader refuses,
#: and more).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The same inside a value (escapes such as "\\x00" or "\\ud800"); tab and newline are text.
_FORBIDDEN_IN_VALUE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}


class _Loader(yaml.SafeLoader):
    aliases = 0
    depth = 0

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        #: The literal text of each folded block scalar, by the index where it ends.
        self.unfolded: dict[int, str] = {}

    def scan_block_scalar(self, style: str) -> Any:
        """Scan a folded (``>``) block twice: as written, and with its line breaks kept."""
        if style != ">":
            return super().scan_block_scalar(style)
        state = (self.pointer, self.index, self.line, self.column)
        literal = super().scan_block_scalar("|")
        self.pointer, self.index, self.line, self.column = state
        token = super().scan_block_scalar(">")
        # kept even when folding changed nothing (one line, or more-indented lines, whose
        # breaks YAML keeps): the block's lines are still its lines, and a comment ends at one
        self.unfolded[token.end_mark.index] = literal.value
        return token

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise _too_deep(mark.line + 1)
        if self.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise PolicyError(
                    f"more than {MAX_ALIASES} YAML aliases",
                    line=mark.line + 1,
                    expected="a policy written out without heavy use of anchors (&) and aliases (*)",
                )
        self.depth += 1
        try:
            node: Node | None = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        return node


def _too_deep(line: int | None) -> PolicyError:
    return PolicyError(
        f"mappings and lists are nested more than {MAX_DEPTH} levels deep",
        line=line,
        expected="a policy nested as its format describes (a few levels)",
    )


def _character_error(text: str, index: int, name: str | None, line: int | None = None) -> PolicyError:
    """A :class:`PolicyError` naming the forbidden character ``text[index]`` and its place."""
    ch = text[index]
    column = None
    if line is None:  # a character of the file: count lines as YAML does
        starts = [m.end() for m in _LINE_BREAK.finditer(text, 0, index)]
        line, column = len(starts) + 1, index - (starts[-1] if starts else 0) + 1
    what = "a lone surrogate" if "\ud800" <= ch <= "\udfff" else "a control character"
    how = "" if column is not None else f" (written as the escape \\u{ord(ch):04X} or similar)"
    return PolicyError(
        f"{what} U+{ord(ch):04X}{how} is not allowed in a policy",
        file=name,
        line=line,
        column=column,
        expected="plain text (save the file again as UTF-8 text; write a tab or line break as itself)",
    )


def load_yaml(path: str | os.PathLike[str], *, display_name: str | None = None) -> Document:
    """Read one policy file into a :class:`Document` (raises :class:`PolicyError`)."""
    name = display_name or os.fspath(path)
    return parse_policy_bytes(read_policy_bytes(path, name), name)


def parse_policy_bytes(raw: bytes, name: str) -> Document:
    """Decode a policy file's bytes (UTF-8, a BOM allowed) and parse them."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"not valid UTF-8 at byte {exc.start}", file=name, expected="a policy file saved as UTF-8") from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Document:
    """Parse YAML text (already decoded) into a :class:`Document`."""
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        raise _character_error(text, bad.start(), name)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:  # not expected: MAX_DEPTH stops nesting well before
            raise _too_deep(None).located(name, None) from None
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
    doc.data = _Expander(doc, loader.unfolded).build(node, ())
    return doc


def _note_scalar(node: Node, path: Path, doc: Document) -> None:
    """Record where a one-line plain or quoted value's text starts, so an error at
    character N of a formula can be placed at its exact file column."""
    if isinstance(node, ScalarNode) and node.style in (None, "'", '"') and node.start_mark.line == node.end_mark.line:
        quote = 0 if node.style is None else 1
        doc.scalars[path] = (node.start_mark.line + 1, node.start_mark.column + 1 + quote)


class _Expander:
    """Builds plain data from the composed nodes, expanding aliases, within the limits.

    PyYAML composes an alias as a second reference to the anchored node, so a small file
    can describe a huge tree (and a recursive alias an infinite one); the limits are
    therefore checked here, where the tree is expanded, node by node.
    """

    def __init__(self, doc: Document, unfolded: dict[int, str]) -> None:
        self.doc = doc
        self.unfolded = unfolded
        self.count = 0
        self.active: set[int] = set()  # nodes being built: meeting one again is a cycle

    def fail(self, node: Node, message: str, expected: str) -> PolicyError:
        return PolicyError(message, file=self.doc.file, line=node.start_mark.line + 1, expected=expected)

    def build(self, node: Node, path: Path) -> Any:
        # A limit passed inside an alias's copy is reported at the top-level key being
        # built: the copied nodes keep the lines of the original, far from the cause.
        self.count += 1
        if self.count > MAX_NODES:
            raise PolicyError(
                f"the policy holds more than {MAX_NODES} values once its aliases (*) are expanded",
                file=self.doc.file,
                line=self.doc.line_of(path[:1]),
                expected="a policy written out without aliases that copy large parts many times",
            )
        if len(path) >= MAX_DEPTH:
            raise _too_deep(self.doc.line_of(path[:1])).located(self.doc.file, None)
        if isinstance(node, ScalarNode):
            if node.style == ">" and node.end_mark.index in self.unfolded:
                self.doc.unfolded[path] = self.unfolded[node.end_mark.index]
            elif node.style != "|" and node.start_mark.line != node.end_mark.line:
                self.doc.folded.add(path)
            return self.scalar(node)
        if id(node) in self.active:
            raise self.fail(node, "an alias (*) refers to the mapping or list that contains it", "aliases without cycles")
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self.mapping(node, path)
            assert isinstance(node, SequenceNode)
            items = []
            for i, item in enumerate(node.value):
                self.doc.lines[(*path, i)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                items.append(self.build(item, (*path, i)))
            return items
        finally:
            self.active.discard(id(node))

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        doc = self.doc
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise PolicyError("YAML merge keys (<<) are not supported", file=doc.file, line=key_node.start_mark.line + 1)
            if not isinstance(key_node, ScalarNode):
                raise PolicyError("a key must be plain text", file=doc.file, line=key_node.start_mark.line + 1)
            key = self.scalar(key_node)
            if not isinstance(key, str):  # true, false or null as a key
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
            out[key] = self.build(value_node, (*path, key))
        return out

    def scalar(self, node: ScalarNode) -> Any:
        value = str(node.value)
        bad = _FORBIDDEN_IN_VALUE.search(value)
        if bad is not None:  # only an escape in a quoted value can get here
            raise _character_error(value, bad.start(), self.doc.file, node.start_mark.line + 1)
        if node.style is None:  # plain scalar: only booleans and null are interpreted
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
            if value in _NULL:
                return None
        return value
