"""The text the authoring commands print (kept out of ``cli.py`` so its edits stay small)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["test_lines"]


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
