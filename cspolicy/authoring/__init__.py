"""Tools for policy authors: YAML test cases (``cspolicy test``), ``lint``, ``diff`` and
the run record that lets ``cspolicy run --replay`` prove a month's figures later.

Each tool is one module with one public entry point; the command line only formats what
they return. Nothing here knows a rulebook number: every expectation lives in YAML.
"""

from __future__ import annotations

__all__: list[str] = []
