"""Shared, generic fixtures: a CLI runner, the shipped examples, a CSV writer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_language_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run in English whatever the developer's locale: no CSPOLICY_LANG, no LC_*/LANG,
    no Windows display language. A test that wants Chinese sets them itself."""
    import cspolicy.i18n

    for var in ("CSPOLICY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(cspolicy.i18n, "system_language", lambda: None)


@pytest.fixture(autouse=True, scope="session")
def _no_policy_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The command line's cache of compiled policies is off in tests, so that a test which
    changes how policies compile never meets a policy compiled before (and nothing is written
    to the developer's cache); tests/test_policy_cache.py and test_startup.py turn it on."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CSPOLICY_CACHE", "off")
        yield


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
