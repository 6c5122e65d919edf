"""Shared, generic fixtures: a CLI runner, the shipped examples, a CSV writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner() -> CliRunner:
    """A click CliRunner; with click >= 8.2 ``result.stdout`` and ``result.stderr`` are separate."""
    return CliRunner()


@pytest.fixture
def examples_dir() -> Path:
    """``examples/materials`` of the repository."""
    return REPO / "examples" / "materials"


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """``write_csv(name, text, encoding="utf-8")`` writes ``text`` to ``tmp_path/name`` in
    ``encoding`` byte for byte (no newline translation) and returns the path."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


# Golden cases from the RULEBOOK's worked examples: tests/golden/*.yaml (see golden_cases.py).
from golden_cases import pytest_collect_file as pytest_collect_file  # noqa: E402
