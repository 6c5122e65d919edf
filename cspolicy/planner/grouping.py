"""Groupings a run chooses (``--by agent --by day``) and header presets it forces (``--preset``).

A grouped output may declare ``group_by_choices``: named groupings, each a list of source
columns (``agent: [agent_id]``, ``day: [date]``). Its ``group_by`` is the default. Such an
output never lists its key columns: the columns of the grouping in force are added first,
automatically, so one declaration serves every grouping.

``--by NAME`` (repeatable) chooses: the output is grouped by the columns of every name given,
in the order given (``--by agent --by day``: one row per agent and day). An output whose
choices lack a name given is left out of the run, with a note saying so (an agent-state
table has no queue). Choosing is a rewrite of the policy before it is compiled, so a
grouping is checked (unknown columns, types) exactly like a written ``group_by``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cspolicy.schema.models import OutputColumn, PolicyModel

__all__ = ["apply_grouping", "grouping_names", "left_out"]


def grouping_names(model: PolicyModel) -> list[str]:
    """Every grouping name some output of the policy offers, in declaration order."""
    names: dict[str, None] = {}
    for out in model.outputs.values():
        names.update(dict.fromkeys(out.group_by_choices or {}))
    return list(names)


def left_out(model: PolicyModel, by: Sequence[str]) -> list[str]:
    """The outputs a run ``--by`` these names leaves out (their choices lack one)."""
    if not by:
        return []
    return [n for n, o in model.outputs.items() if o.group_by_choices is not None and not set(by) <= set(o.group_by_choices)]


def apply_grouping(model: PolicyModel, by: Sequence[str] = ()) -> PolicyModel:
    """``model`` with each choosable output grouped by ``by`` (or its default) and its key
    columns added first; outputs that cannot be grouped so are removed."""
    if not any(o.group_by_choices is not None for o in model.outputs.values()):
        return model
    drop = set(left_out(model, by))
    outputs = {}
    for name, out in model.outputs.items():
        if name in drop:
            continue
        if out.group_by_choices is not None:
            keys: list[str] = []
            for choice in by or ():
                keys += [k for k in out.group_by_choices[choice] if k not in keys]
            group = keys if by else list(out.group_by or [])
            columns: dict[str, OutputColumn | str] = {k: k for k in group if k not in out.columns}
            columns.update(out.columns)
            out = out.model_copy(update={"group_by": group, "columns": columns, "key": out.key or group})
        outputs[name] = out
    return model.model_copy(update={"outputs": outputs})
