"""Reading YAML test case files (``policies/tests/<policy>/*.yaml``), with line numbers.

Every scalar is read as the text written (PyYAML's base loader): ``3050``, ``2024-03`` and
``yes`` stay the strings a CSV cell would hold, so an expectation is compared as text and
never passes through a float or a YAML date. The format is described in
``docs/writing-policies.md``; unknown keys are refused (a typo would silently test nothing).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cspolicy.errors import PolicyError, UsageError

__all__ = ["Case", "CaseFile", "read_case_file", "find_case_files", "shipped_tests_root"]

_CASE_KEYS = frozenset(
    {"name", "rules", "period", "as_of", "region", "set", "inputs", "expect", "expect_error", "expect_exit",
     "expect_warnings", "row_counts", "description"}
)  # fmt: skip
_FILE_KEYS = frozenset({"policy", "cases", "description"})


@dataclass
class Case:
    """One test case: what to run and what to expect (text as written in the YAML)."""

    name: str
    file: str
    line: int
    rules: list[str] = field(default_factory=list)
    period: str | None = None
    as_of: str | None = None
    region: str | None = None
    sets: dict[str, str] = field(default_factory=dict)
    #: input name → rows (list of {column: text}) or a CSV path (relative to the case file).
    inputs: dict[str, list[dict[str, str]] | Path] = field(default_factory=dict)
    #: output name → expected rows, each with the line it was written on.
    expect: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    expect_error: str | None = None
    expect_exit: int | None = None
    expect_warnings: list[str] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class CaseFile:
    """A case file: the policy it tests (a shipped name or a path) and its cases."""

    path: Path
    policy: str
    cases: list[Case]


class _Node:
    """A YAML node turned into plain data, each mapping and sequence keeping its line."""

    def __init__(self, file: str) -> None:
        self.file = file

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for k, v in node.value:
                key = self.build(k)
                if not isinstance(key, str):
                    raise self.error(k, "a key must be a text", "name: value")
                if key in out:
                    raise self.error(k, f"key '{key}' given twice", "each key once")
                out[key] = self.build(v)
            return _Lined(out, node.start_mark.line + 1)
        if isinstance(node, yaml.SequenceNode):
            return _LinedList([self.build(v) for v in node.value], node.start_mark.line + 1)
        return node.value

    def error(self, node: yaml.Node, message: str, expected: str) -> PolicyError:
        return PolicyError(message, file=self.file, line=node.start_mark.line + 1, expected=expected)


class _Lined(dict[str, Any]):
    def __init__(self, data: dict[str, Any], line: int) -> None:
        super().__init__(data)
        self.line = line


class _LinedList(list[Any]):
    def __init__(self, data: list[Any], line: int) -> None:
        super().__init__(data)
        self.line = line


def _line(value: Any, default: int) -> int:
    return getattr(value, "line", default)


def read_case_file(path: str | os.PathLike[str], display: str | None = None) -> CaseFile:
    """Read one case file; a malformed one is a :class:`PolicyError` at ``file:line``.

    The policy is the top-level ``policy:`` key (a shipped name, or a path relative to this
    file), else the name of the folder holding the file (``tests/<policy>/x.yaml``): a
    policy file ``<policy>.yaml`` beside the ``tests`` folder if there is one, else the
    shipped policy of that name.
    """
    path = Path(path)
    name = display or os.fspath(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{name}: cannot read the test file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise PolicyError("a test file must be UTF-8", file=name) from None
    try:
        root = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicyError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}", file=name, line=mark.line + 1 if mark else None
        ) from None
    builder = _Node(name)
    doc = builder.build(root) if root is not None else None
    if not isinstance(doc, _Lined) or "cases" not in doc:
        raise PolicyError("a test file is a mapping with a 'cases:' list", file=name, line=1, expected="cases: [- name: …]")
    _unknown(doc, _FILE_KEYS, name, 1)
    policy = doc.get("policy") or _policy_beside(path)
    cases_raw = doc["cases"]
    if not isinstance(cases_raw, _LinedList):
        raise PolicyError("'cases' must be a list", file=name, line=_line(cases_raw, 1), expected="cases: [- name: …]")
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for raw in cases_raw:
        case = _case(raw, name, path.parent)
        if case.name in seen:
            raise PolicyError(
                f"case '{case.name}' is also the name of the case at line {seen[case.name]}",
                file=name,
                line=case.line,
                expected="a name unique in the file",
            )
        seen[case.name] = case.line
        cases.append(case)
    return CaseFile(path, policy, cases)


def _policy_beside(path: Path) -> str:
    folder = path.parent
    beside = folder.parent.parent / f"{folder.name}.yaml"
    if folder.parent.name == "tests" and beside.is_file():
        return os.fspath(beside)
    return folder.name


def _unknown(data: dict[str, Any], known: frozenset[str], file: str, line: int) -> None:
    extra = sorted(set(data) - known)
    if extra:
        raise PolicyError(
            f"unknown key{'s' if len(extra) > 1 else ''} {', '.join(repr(e) for e in extra)}",
            file=file,
            line=line,
            expected="one of: " + ", ".join(sorted(known)),
        )


def _text(value: Any, what: str, file: str, line: int) -> str:
    if not isinstance(value, str):
        raise PolicyError(f"{what} must be a text", file=file, line=line)
    return value


def _case(raw: Any, file: str, folder: Path) -> Case:
    line = _line(raw, 1)
    if not isinstance(raw, _Lined):
        raise PolicyError("a case must be a mapping", file=file, line=line, expected="- name: …")
    _unknown(raw, _CASE_KEYS, file, line)
    missing = [k for k in ("name", "inputs") if k not in raw]
    if not raw.get("expect") and "expect_error" not in raw and "expect_warnings" not in raw:
        missing.append("expect (or expect_error, expect_warnings)")
    if missing:
        raise PolicyError(f"the case lacks {', '.join(missing)}", file=file, line=line)
    case = Case(name=_text(raw["name"], "name", file, line), file=file, line=line)
    case.rules = [_text(r, "a rule ID", file, line) for r in _list(raw.get("rules", []), "rules", file, line)]
    for key in ("period", "as_of", "region", "expect_error"):
        if key in raw:
            setattr(case, key, _text(raw[key], key, file, line))
    if "expect_exit" in raw:
        if raw["expect_exit"] not in ("1", "2"):
            raise PolicyError("expect_exit must be 1 (input data) or 2 (policy or usage)", file=file, line=line)
        case.expect_exit = int(raw["expect_exit"])
    sets = raw.get("set", {})
    if not isinstance(sets, dict):
        raise PolicyError("'set' must be a mapping", file=file, line=line, expected='set: {loss: "8%"}')
    case.sets = {k: _text(v, f"set {k}", file, line) for k, v in sets.items()}
    case.expect_warnings = [
        _text(w, "a warning", file, line) for w in _list(raw.get("expect_warnings", []), "expect_warnings", file, line)
    ]
    inputs = raw["inputs"]
    if not isinstance(inputs, dict):
        raise PolicyError("'inputs' must map input names to rows or CSV paths", file=file, line=line)
    for name, rows in inputs.items():
        at = _line(rows, line)
        if isinstance(rows, str):
            case.inputs[name] = folder / rows
        else:
            case.inputs[name] = [_row(r, file, at) for r in _list(rows, f"inputs.{name}", file, at)]
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict):
        raise PolicyError("'expect' must map output names to rows", file=file, line=line)
    for name, rows in expect.items():
        at = _line(rows, line)
        items = [rows] if isinstance(rows, _Lined) else _list(rows, f"expect.{name}", file, at)  # one row: a mapping
        case.expect[name] = [(_line(r, at), _row(r, file, at)) for r in items]
    counts = raw.get("row_counts", {})
    if not isinstance(counts, dict) or not all(isinstance(v, str) and v.isdigit() for v in counts.values()):
        raise PolicyError("'row_counts' maps output names to whole numbers", file=file, line=line)
    case.row_counts = {k: int(v) for k, v in counts.items()}
    return case


def _list(value: Any, what: str, file: str, line: int) -> list[Any]:
    if not isinstance(value, list):
        raise PolicyError(f"'{what}' must be a list", file=file, line=_line(value, line))
    return value


def _row(value: Any, file: str, line: int) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise PolicyError(
            "a row is a mapping of column names to cell texts",
            file=file,
            line=_line(value, line),
            expected='{employee_id: E001, pay: "5000"}',
        )
    return dict(value)


def shipped_tests_root() -> Path:
    """The ``tests`` folder installed beside the shipped policies."""
    from cspolicy.planner.policy import shipped_policies

    found = next(iter(shipped_policies().values()), None)
    if found is None:  # pragma: no cover - cspolicy always ships policies
        raise UsageError("no shipped policies found")
    return found.parent / "tests"


def find_case_files(paths: list[str]) -> Iterator[Path]:
    """The case files a ``cspolicy test PATH...`` names, in a stable order: a file as
    given; a directory holding ``tests/`` → ``tests/*/*.yaml``; a ``tests`` directory →
    ``*/*.yaml``; another directory → its ``*.yaml``. No path: the shipped policies' tests."""
    if not paths:
        paths = [os.fspath(shipped_tests_root())]
    for text in paths:
        p = Path(text)
        if p.is_file():
            yield p
        elif p.is_dir():
            if (p / "tests").is_dir():
                yield from sorted((p / "tests").glob("*/*.yaml"))
            elif p.name == "tests":
                yield from sorted(p.glob("*/*.yaml"))
            else:
                yield from sorted(p.glob("*.yaml"))
        else:
            raise UsageError(
                f"no test file or folder named {text}", expected="a test file or a folder holding tests/<policy>/*.yaml"
            )
