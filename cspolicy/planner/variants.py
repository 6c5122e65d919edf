"""A policy as one run chooses it: ``--by`` groupings (:mod:`cspolicy.planner.grouping`)
and ``--preset`` header presets (:mod:`cspolicy.tables.presets`), the policy recompiled
when a grouping changes its outputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cspolicy.errors import UsageError
from cspolicy.planner.grouping import grouping_names
from cspolicy.planner.policy import Policy, compile_model
from cspolicy.tables.presets import force_presets

__all__ = ["choose"]


def choose(policy: Policy, *, by: Sequence[str] = (), presets: Sequence[str] = ()) -> Policy:
    """``policy`` for a run ``--by`` these groupings and with these header presets forced.

    Unknown names are usage errors (exit 2) naming the choices."""
    if by:
        known = grouping_names(policy.model)
        if not known:
            raise UsageError(f"policy '{policy.name}' has no groupings to choose with --by")
        for name in by:
            if name not in known:
                raise UsageError(
                    f"--by {name}: policy '{policy.name}' has no such grouping", expected=f"one of: {', '.join(known)}"
                )
        if len(set(by)) != len(by):
            raise UsageError("--by names a grouping twice", expected="each grouping once")
        assert policy.doc is not None
        policy = compile_model(policy.model_as_written(), policy.doc, policy.file, tuple(by))
    if presets:
        policy = dataclasses.replace(policy, inputs=force_presets(policy.inputs, presets))
    return policy
