"""``cspolicy test``: run YAML test cases and say, cell by cell, what differs.

A case runs its policy in memory (:func:`~cspolicy.authoring.execute.run_watched`) and
compares the expected rows with the output's rows:

* rows are matched by the output's key columns (``key:``, else ``group_by``) when the
  expected row gives all of them (the n-th expected row with a key matches the n-th output
  row with that key, for a ladder's several rows per employee); an expected row without
  the key columns, or of an output without a key, matches the output row at its position;
* only the columns listed are compared, as text: the output's text of the value
  (``3050``, ``1000.00``, ``15%``, ``yes``, ``2024-03-15``, blank as ``""``), or, for a
  number, the same number written another way (``1000`` = ``1000.00``; ``15%`` = ``0.15``
  in a percent column). Money is compared to the cent because outputs round it there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cspolicy.authoring.cases import Case, CaseFile, find_case_files, read_case_file
from cspolicy.authoring.execute import Exercised, Watched, run_watched
from cspolicy.engine.run import RunSettings
from cspolicy.errors import CspolicyError
from cspolicy.planner.policy import Policy
from cspolicy.text import format_value
from cspolicy.values import ColumnType, Value

__all__ = ["Mismatch", "CaseResult", "TestReport", "run_tests", "run_case", "cell_matches"]


@dataclass
class Mismatch:
    """One difference: where the expectation was written, and what was expected and found."""

    place: str
    output: str = ""
    key: str = ""
    column: str = ""
    expected: str = ""
    actual: str = ""
    problem: str = ""

    def text(self) -> str:
        if self.problem:
            return f"{self.place}: {self.problem}"
        where = " ".join(p for p in (self.output, f"[{self.key}]" if self.key else "", self.column) if p)
        return f"{self.place}: {where}: expected {self.expected!r}, actual {self.actual!r}"


@dataclass
class CaseResult:
    """A case run: passed when ``mismatches`` is empty."""

    case: Case
    policy: str
    mismatches: list[Mismatch] = field(default_factory=list)
    compared: set[tuple[str, str]] = field(default_factory=set)  # (output, column)
    exercised: Exercised = field(default_factory=Exercised)

    @property
    def passed(self) -> bool:
        return not self.mismatches


@dataclass
class TestReport:
    """Every case run, in order, and each policy it loaded (for ``--coverage``)."""

    results: list[CaseResult] = field(default_factory=list)
    policies: dict[str, Policy] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    def lines(self) -> list[str]:
        """A pytest-like report: one line per failed case and one per differing cell, then
        ``N passed, N failed`` last."""
        out: list[str] = []
        for r in self.results:
            if r.passed:
                continue
            out.append(f"FAILED {r.case.place} {r.case.name}")
            out.extend("  " + m.text() for m in r.mismatches)
        out.append(f"{self.passed} passed, {self.failed} failed")
        return out


def run_tests(paths: Sequence[str] = ()) -> TestReport:
    """Run every case in the files ``paths`` name (see
    :func:`~cspolicy.authoring.cases.find_case_files`; none: the shipped policies' tests).

    A malformed case file is a :class:`~cspolicy.errors.PolicyError`; a policy that does
    not load fails each case of its file (with the error), so the other files still run.
    """
    from cspolicy.cli.library import load_policy

    report = TestReport()
    files = [read_case_file(p) for p in find_case_files(list(paths))]
    for cf in files:
        try:
            policy = report.policies.get(cf.policy) or load_policy(_policy_ref(cf))
        except CspolicyError as exc:
            for case in cf.cases:
                report.results.append(CaseResult(case, cf.policy, [Mismatch(case.place, problem=f"policy {cf.policy}: {exc}")]))
            continue
        report.policies[cf.policy] = policy
        report.results.extend(run_case(policy, case, cf.policy) for case in cf.cases)
    return report


def _policy_ref(cf: CaseFile) -> str:
    ref = cf.policy
    if ref.endswith((".yaml", ".yml")) and not Path(ref).is_absolute():
        beside = cf.path.parent / ref
        if beside.is_file():
            return str(beside)
    return ref


def _settings(case: Case) -> RunSettings:
    from cspolicy.periods import Period

    try:
        period = Period.parse(case.period) if case.period else None
    except ValueError as exc:
        raise _CaseError(f"period: {exc}") from None
    try:
        as_of = dt.date.fromisoformat(case.as_of) if case.as_of else None
    except ValueError:
        raise _CaseError(f"as_of: '{case.as_of}' is not a date; expected YYYY-MM-DD") from None
    return RunSettings(period=period, as_of=as_of, region=case.region, overrides=case.sets)


class _CaseError(Exception):
    pass


def run_case(policy: Policy, case: Case, policy_name: str = "") -> CaseResult:
    """Run one case against ``policy`` and compare."""
    from cspolicy.cli.console import failure

    result = CaseResult(case, policy_name or policy.name)
    bad = result.mismatches.append
    try:
        settings = _settings(case)
        inputs = {n: (str(v) if isinstance(v, Path) else v) for n, v in case.inputs.items()}
        names = {n: Path(case.file).parent.joinpath(v.name).as_posix() for n, v in case.inputs.items() if isinstance(v, Path)}
        watched = run_watched(policy, inputs, settings, names=names)
    except _CaseError as exc:
        bad(Mismatch(case.place, problem=str(exc)))
        return result
    except CspolicyError as exc:
        code, message = failure(exc)
        text = message or str(exc)
        if case.expect_error is None:
            bad(Mismatch(case.place, problem=f"the run failed (exit {code}): {text}"))
        else:
            if case.expect_error not in text:
                bad(
                    Mismatch(case.place, problem=f"expected an error containing {case.expect_error!r}; got (exit {code}): {text}")
                )
            if code not in (case.expect_exit or code,) or code not in (1, 2):
                bad(Mismatch(case.place, problem=f"expected exit {case.expect_exit or '1 or 2'}, got {code}: {text}"))
        return result
    result.exercised = watched.exercised
    if case.expect_error is not None:
        bad(Mismatch(case.place, problem=f"expected an error containing {case.expect_error!r}; the run succeeded"))
    lines = watched.warnings.lines(limit=0)
    for wanted in case.expect_warnings:
        if not any(wanted in line for line in lines):
            seen = "; ".join(lines) or "none"
            bad(Mismatch(case.place, problem=f"expected a warning containing {wanted!r}; warnings: {seen}"))
    for output, count in case.row_counts.items():
        if output not in watched.rows:
            bad(Mismatch(case.place, problem=_no_output(output, watched)))
        elif len(watched.rows[output]) != count:
            bad(Mismatch(case.place, output=output, column="rows", expected=str(count), actual=str(len(watched.rows[output]))))
    for output, rows in case.expect.items():
        if output not in watched.rows:
            bad(Mismatch(f"{case.file}:{rows[0][0] if rows else case.line}", problem=_no_output(output, watched)))
            continue
        _compare(watched, output, rows, case, result)
    return result


def _no_output(output: str, watched: Watched) -> str:
    return f"policy {watched.policy.name} has no output '{output}'; outputs: {', '.join(watched.rows)}"


def _compare(watched: Watched, output: str, expected: list[tuple[int, dict[str, str]]], case: Case, result: CaseResult) -> None:
    plan = watched.policy.outputs[output]
    key = list(plan.key or plan.group_by or ())
    columns = {name: (i, ctype) for i, (name, ctype, _) in enumerate(watched.columns[output])}
    actual = watched.rows[output]
    used: set[int] = set()

    def text(row: tuple[Value, ...], col: str) -> str:
        i, ctype = columns[col]
        return format_value(row[i], ctype)

    for position, (line, want) in enumerate(expected):
        place = f"{case.file}:{line}"
        unknown = [c for c in want if c not in columns]
        if unknown:
            names = ", ".join(repr(c) for c in unknown)
            result.mismatches.append(
                Mismatch(place, problem=f"output '{output}' has no column {names}; columns: {', '.join(columns)}")
            )
            continue
        keyed = bool(key) and all(k in want for k in key)
        label = "/".join(want[k] for k in key) if keyed else f"row {position + 1}"
        if keyed:
            found = next(
                (
                    i
                    for i, row in enumerate(actual)
                    if i not in used and all(cell_matches(want[k], row[columns[k][0]], columns[k][1]) for k in key)
                ),
                None,
            )
        else:
            found = position if position < len(actual) else None
        if found is None:
            have = sorted({"/".join(text(r, k) for k in key) for r in actual}) if keyed else []
            hint = f"; keys: {', '.join(have[:10])}" if have else f"; the output has {len(actual)} rows"
            result.mismatches.append(Mismatch(place, output=output, key=label, problem=f"{output} [{label}]: no such row{hint}"))
            continue
        used.add(found)
        row = actual[found]
        for col, value in want.items():
            result.compared.add((output, col))
            i, ctype = columns[col]
            if not cell_matches(value, row[i], ctype):
                result.mismatches.append(Mismatch(place, output, label, col, value, format_value(row[i], ctype)))


_TRUE = {"yes", "true", "是", "1"}
_FALSE = {"no", "false", "否", "0"}


def cell_matches(expected: str, value: Value, ctype: ColumnType) -> bool:
    """Whether the text ``expected`` says ``value``: the output's own text of it, or the
    same number written another way (``1000`` = ``1000.00``, ``15%`` = ``0.15``), or
    yes/no spelt true/false/是/否; a blank is ``""``.

    >>> cell_matches("1000", Decimal("1000.00"), ColumnType.MONEY), cell_matches("1000.01", Decimal("1000.00"), ColumnType.MONEY)
    (True, False)
    """
    if expected == format_value(value, ctype):
        return True
    if value is None:
        return not expected.strip()
    if value is True or value is False:
        return expected.strip().lower() in (_TRUE if value else _FALSE)
    if isinstance(value, Decimal):
        number = _number(expected)
        return number is not None and number == value
    return expected.strip() == format_value(value, ctype)


def _number(text: str) -> Decimal | None:
    t = text.strip().replace(",", "")
    scale = Decimal(1)
    if t.endswith("%"):
        t, scale = t[:-1], Decimal("0.01")
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    return d * scale if d.is_finite() else None


def merged(results: Iterable[CaseResult]) -> Exercised:
    """What a set of case runs exercised together."""
    out = Exercised()
    for r in results:
        out.update(r.exercised)
    return out
