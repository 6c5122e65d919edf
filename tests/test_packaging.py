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
