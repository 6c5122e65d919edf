"""Every subpackage of cspolicy is listed in setup.cfg, so a non-editable install (what CI
and users get) carries it: a package missing there imports in a checkout and fails when
installed."""

from __future__ import annotations

import configparser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_installed() -> None:
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    listed = set(config["options"]["packages"].split())
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "cspolicy").rglob("__init__.py")}
    assert found - listed == set()


def test_policy_test_cases_are_installed() -> None:
    """``policies/tests/<policy>/*.yaml`` ship with the package (``cspolicy test`` with no
    path runs them), and every shipped policy has some."""
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    data = config["options.package_data"]["cspolicy.policies"]
    assert "tests/*/*.yaml" in [p.strip() for p in data.split(",")]
    shipped = {p.stem for p in (REPO / "policies").glob("*.yaml")}
    tested = {p.parent.name for p in (REPO / "policies" / "tests").glob("*/*.yaml")}
    assert shipped - tested == set()
