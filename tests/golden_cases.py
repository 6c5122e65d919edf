"""Golden cases in YAML (``tests/golden/*.yaml``), collected as pytest items.

Each file names a shipped policy and lists cases: the input rows, optional run settings,
and the expected rows of one or more outputs (only the columns given are compared, exactly:
an expected ``"3050"`` must equal ``Decimal('3050')``, no tolerance), or an expected error.
A failure reads ``golden/materials-order.yaml::R-MT-1 worked example: orders row 1
weekly_qty: expected 3050, got 3051``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from cspolicy import CspolicyError, Period, RunSettings, evaluate, load_policy


class GoldenFile(pytest.File):
    def collect(self) -> Any:
        doc = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        policy = doc["policy"]
        for case in doc["cases"]:
            yield GoldenCase.from_parent(self, name=case["name"], policy=policy, case=case)


class GoldenCase(pytest.Item):
    def __init__(self, *, policy: str, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self.case = case

    def runtest(self) -> None:
        case = self.case
        s = case.get("settings", {})
        settings = RunSettings(
            period=Period.parse(str(s["period"])) if "period" in s else None,
            as_of=dt.date.fromisoformat(str(s["as_of"])) if "as_of" in s else None,
            overrides={k: str(v) for k, v in s.get("set", {}).items()},
        )
        inputs = {
            name: [{k: None if v is None else str(v) for k, v in row.items()} for row in rows]
            for name, rows in case["inputs"].items()
        }
        if "error" in case:
            with pytest.raises(CspolicyError) as info:
                evaluate(load_policy(self.policy), inputs, settings=settings)
            for text in case["error"] if isinstance(case["error"], list) else [case["error"]]:
                assert text in str(info.value), f"error {str(info.value)!r} lacks {text!r}"
            return
        results = evaluate(load_policy(self.policy), inputs, settings=settings)
        for output, expected_rows in case["expect"].items():
            got = results[output]
            assert len(got) == len(expected_rows), f"{output}: expected {len(expected_rows)} rows, got {len(got)}"
            for i, (want, have) in enumerate(zip(expected_rows, got), start=1):
                for column, value in want.items():
                    actual = have[column]
                    ok = Decimal(str(value)) == actual if isinstance(actual, Decimal) and value is not None else value == actual
                    assert ok, f"{output} row {i} {column}: expected {value}, got {actual}"

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.policy}: {self.name}"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> GoldenFile | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "golden":
        return GoldenFile.from_parent(parent, path=file_path)
    return None
