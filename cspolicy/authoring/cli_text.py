"""The text the authoring commands print (kept out of ``cli.py`` so its edits stay small)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from cspolicy.errors import CspolicyError
from cspolicy.i18n import Lang

__all__ = ["test_lines", "check_policies", "lint_policies"]


def test_lines(paths: Sequence[str], show_coverage: bool) -> tuple[list[str], bool]:
    """``cspolicy test``: the report's lines (coverage before the summary line, which stays
    last) and whether every case passed."""
    from cspolicy.authoring.coverage import report_coverage
    from cspolicy.authoring.test_runner import run_tests

    report = run_tests(list(paths))
    lines = report.lines()
    if show_coverage:
        cov = [line for c in report_coverage(report) for line in c.lines()]
        lines[-1:-1] = ["coverage:", *cov] if cov else []
    return lines, report.failed == 0 and bool(report.results)


Echo = Callable[[str, bool], None]


def _failed(exc: CspolicyError, lang: Lang, echo: Echo) -> int:
    from cspolicy.cli.console import failure
    from cspolicy.messages import translate

    code, message = failure(exc, lang)
    echo(translate("Error: ", lang) + (message or str(exc)), True)
    return code


def check_policies(refs: Sequence[str], lang: Lang, echo: Echo) -> bool:
    """``cspolicy check``: load every policy (not stopping at the first bad one), say what
    is wrong with each, warn about missing labels and lint findings; False if any failed."""
    from cspolicy.authoring.lint import lint_policy
    from cspolicy.cli.library import load_policy
    from cspolicy.planner.labels import missing_labels

    ok = True
    warn = "警告：" if lang == "zh" else "warning: "
    for ref in refs:
        try:
            p = load_policy(ref)
        except CspolicyError as exc:
            _failed(exc, lang, echo)
            ok = False
            continue
        for finding in missing_labels(p):
            echo(warn + finding.message(lang), True)
        for other in lint_policy(p):
            if other.kind != "missing-label":
                echo(warn + other.text(lang), True)
        if lang == "zh":
            echo(f"通过  {p.file}  （{p.name}：{len(p.outputs)} 个输出，{len(p.parameters)} 个参数）", False)
        else:
            echo(f"ok  {p.file}  ({p.name}: {len(p.outputs)} outputs, {len(p.parameters)} parameters)", False)
    return ok


def lint_policies(refs: Sequence[str], as_of: dt.date | None, echo: Echo, lang: Lang = "en") -> int:
    """``cspolicy lint``: every finding on stdout, one per line, then a count; the exit
    code: 2 if a policy does not load, else 1 if anything was found, else 0."""
    from cspolicy.authoring.lint import lint_policy
    from cspolicy.cli.library import load_policy

    code = 0
    total = 0
    for ref in refs:
        try:
            p = load_policy(ref)
        except CspolicyError as exc:
            _failed(exc, lang, echo)
            code = 2
            continue
        findings = lint_policy(p, today=as_of)
        total += len(findings)
        for f in findings:
            echo(f.text(lang), False)
    if lang == "zh":
        echo(f"{len(refs)} 个规则文件中共发现 {total} 处问题", False)
    else:
        echo(f"{total} finding{'s' if total != 1 else ''} in {len(refs)} polic{'ies' if len(refs) != 1 else 'y'}", False)
    return code or (1 if total else 0)


def policy_text(ref: str) -> str:
    """``cspolicy show --yaml``: the policy file as it is (after checking that it loads),
    to copy from."""
    from cspolicy.cli.library import load_policy
    from cspolicy.planner.policy import resolve_policy_path

    load_policy(ref)  # a policy that does not load is reported, not printed
    path, _ = resolve_policy_path(ref)
    return path.read_bytes().decode("utf-8-sig")
