"""The building blocks' docstring examples run as tests, so they cannot drift."""

from __future__ import annotations

import doctest
import importlib

import pytest

import cspolicy.blocks

MODULES = ["bands", "aggregate", "ladders", "schedule", "ranking", "sorting"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"cspolicy.blocks.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no docstring example"
    assert result.failed == 0


def test_public_names_are_exported() -> None:
    exported = set(cspolicy.blocks.__all__)
    assert len(exported) == len(cspolicy.blocks.__all__)
    assert all(hasattr(cspolicy.blocks, n) for n in exported)
    for name in MODULES[1:]:
        module = importlib.import_module(f"cspolicy.blocks.{name}")
        assert set(module.__all__) <= exported, name
