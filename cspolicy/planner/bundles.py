"""Loading a bundle: its components, and the tables their outputs become.

``use: {scoring: {policy: cs-scoring, outputs: [scores]}}`` loads ``cs-scoring`` (a shipped
name, or a path relative to the bundle's file) when the bundle loads, and gives the bundle,
for each output used:

* an input named ``scoring.scores`` whose columns are the output's visible columns, with
  their types and labels (a column holding coded values becomes an enum with their labels,
  so ``--lang zh`` shows them as the component does); its ``key`` is the output's
  ``group_by`` when the output is grouped (one row per group, so the bundle may join it);
* an output of the same name that repeats it, so that the bundle's files (a CSV per output,
  a workbook sheet) hold every component's figures next to the bundle's own.

The bundle's own outputs read those inputs like any other (``from: scoring.scores``, or
``join: [{with: leave.deductions, on: [employee_id]}]``). A component's parameters stay its
own (``--set scoring.divisor=21.75``); inputs are shared by name: the file given for
``staff`` is every component's ``staff`` and the bundle's too.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cspolicy.errors import CspolicyError, PolicyError, UsageError
from cspolicy.values import ColumnType

if TYPE_CHECKING:
    from cspolicy.planner.policy import Policy
    from cspolicy.schema.models import PolicyModel
    from cspolicy.schema.source import Document
    from cspolicy.tables.spec import TableSpec

__all__ = ["Component", "bundle_model", "file_inputs", "is_component_table", "SEPARATOR"]

#: Between a component's name and its output's or parameter's: ``scoring.scores``.
SEPARATOR = "."
#: The files of the bundles being loaded, outermost first (a policy using itself is a cycle).
_LOADING: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("cspolicy_bundles", default=())


@dataclass(frozen=True)
class Component:
    """One policy a bundle uses: its name in the bundle, the policy, the outputs used."""

    name: str
    policy: Policy
    outputs: tuple[str, ...]
    ref: str
    #: The file it was loaded from, and the SHA-256 of its bytes then (the command line's
    #: cache reads a bundle back only while every component file is unchanged).
    path: str = ""
    digest: str = ""

    def unchanged(self) -> bool:
        """Whether this component's file, and its own components', still hold the bytes loaded."""
        import hashlib

        try:
            with open(self.path, "rb") as f:
                same = hashlib.sha256(f.read()).hexdigest() == self.digest
        except OSError:
            return False
        return same and all(c.unchanged() for c in self.policy.components.values())

    def table(self, output: str) -> str:
        """The bundle's name for one of this component's outputs: ``scoring.scores``."""
        return f"{self.name}{SEPARATOR}{output}"


def is_component_table(name: str) -> bool:
    """Whether ``name`` names a component's output in a bundle (``scoring.scores``)."""
    return SEPARATOR in name


def _resolve(ref: str, base: Path | None) -> str | Path:
    """A ``policy:`` reference: a path relative to the bundle's file when one exists there
    (or the text names a YAML file), else a shipped name."""
    text = ref.strip()
    if text.lower().endswith((".yaml", ".yml")) or "/" in text or os.sep in text:
        return base / text if base is not None else Path(text)
    return text


def _file_of(ref: str | Path, locate: Callable[[str | Path], tuple[Path, Any]]) -> tuple[str, str]:
    """The file a reference names and the SHA-256 of its bytes."""
    import hashlib

    file, _ = locate(ref)
    return str(file), hashlib.sha256(file.read_bytes()).hexdigest()


def _load(ref: str | Path, doc: Document, path: tuple[str | int, ...], load_policy: Callable[[str | Path], Policy]) -> Policy:
    key = os.path.realpath(ref) if isinstance(ref, Path) else f"shipped:{ref}"
    stack = _LOADING.get()
    if key in stack:
        raise doc.error(path, f"policy '{ref}' uses itself (through {' → '.join(stack)})", "bundles that do not use each other")
    token = _LOADING.set((*stack, key))
    try:
        return load_policy(ref)
    except UsageError as exc:  # no such policy: said at the bundle's line
        raise doc.error(path, exc.message, exc.expected) from None
    except PolicyError:
        raise  # the component's own file and line
    except CspolicyError as exc:
        raise doc.error(path, getattr(exc, "message", str(exc)), "a shipped policy's name or a policy file") from None
    finally:
        _LOADING.reset(token)


def bundle_model(
    model: PolicyModel,
    doc: Document,
    base: Path | None,
    load: Callable[[str | Path], Policy],
    locate: Callable[[str | Path], tuple[Path, Any]],
) -> tuple[PolicyModel, dict[str, Component]]:
    """The bundle's model with an input and an output for every component output it uses
    (listed before its own), and the loaded components, by name. ``load`` and ``locate`` are
    :func:`~cspolicy.planner.policy.load_policy` and its path resolver, passed in: a
    component is loaded as any policy is (it may itself be a bundle)."""
    components: dict[str, Component] = {}
    for name, use in model.use.items():
        ref = _resolve(use.policy, base)
        policy = _load(ref, doc, ("use", name, "policy"), load)
        used = list(use.outputs) if use.outputs is not None else list(policy.outputs)
        for out in used:
            if out not in policy.outputs:
                raise doc.error(
                    ("use", name, "outputs"),
                    f"policy '{policy.name}' has no output '{out}'",
                    f"one of: {', '.join(policy.outputs)}",
                )
        components[name] = Component(name, policy, tuple(used), use.policy, *_file_of(ref, locate))
    for name in model.inputs:
        if name in components:
            raise doc.error(("inputs", name), f"input '{name}' has the name of component '{name}'", "another name")
    return with_components(model, components), components


def with_components(model: PolicyModel, components: Mapping[str, Component]) -> PolicyModel:
    """The bundle's model with an input and an output for every component output it uses,
    listed before its own (also how a cached bundle's model is made again)."""
    from cspolicy.schema.models import Input, Output

    inputs: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for comp in components.values():
        for out in comp.outputs:
            spec, echo = _tables(comp, out)
            inputs[comp.table(out)] = Input.model_validate(spec)
            outputs[comp.table(out)] = Output.model_validate(echo)
    return model.model_copy(update={"inputs": {**inputs, **model.inputs}, "outputs": {**outputs, **model.outputs}})


def _tables(comp: Component, out: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The input spec and the repeating output spec of one component output (as YAML would
    write them)."""
    policy = comp.policy
    plan = policy.outputs[out]
    labels = policy.labels
    columns: dict[str, Any] = {}
    for col in plan.visible:
        label = labels.column(out, col.name)
        spec: dict[str, Any] = {"type": col.ctype.value, "required": False, "label": {"zh": label.zh, "en": label.en}}
        values = labels.values(out, col.name)
        if col.ctype in (ColumnType.TEXT, ColumnType.ENUM) and values:
            spec["type"] = ColumnType.ENUM.value
            spec["values"] = {code: {"zh": v.zh, "en": v.en} for code, v in values.items()}
        columns[col.name] = spec
    title = labels.outputs[out]
    word = labels.title
    named = {
        "zh": f"{word.zh or policy.name}·{title.zh or out}",
        "en": f"{word.en or policy.name}: {title.en or out}",
    }
    key = _unique_key(policy, plan)
    spec_in = {"label": named, "key": key, "columns": columns}
    echo = {
        "from": comp.table(out),
        "label": named,
        "key": list(plan.key or plan.group_by or ()),
        "columns": {c: c for c in columns},
    }
    return spec_in, echo


def _unique_key(policy: Policy, plan: Any) -> list[str]:
    """The columns that identify one row of an output, when the policy guarantees it: a
    group's ``group_by``, or the output's ``key`` when every step from an input whose
    ``key:`` is that key gives one row per row (no group in between; joins are
    many-to-one, checks and inner joins only drop rows). Else none (the bundle groups it)."""
    if plan.group_by:
        return list(plan.group_by)
    wanted = set(plan.key)
    if not wanted:
        return []
    step = plan
    while True:
        if step.group_by is not None:
            return list(plan.key) if set(step.group_by) == wanted else []
        if step.source_is_input:
            return list(plan.key) if set(policy.inputs[step.source].key) == wanted else []
        step = policy.outputs[step.source]


def file_inputs(policy: Policy) -> dict[str, TableSpec]:
    """The inputs a run of ``policy`` is given files (or rows) for: its own, and every
    component's (shared by name; the first declaration names it in messages). An input is
    optional only if it is optional wherever it is read."""
    out: dict[str, TableSpec] = {}
    for name, spec in policy.inputs.items():
        if not is_component_table(name):
            out[name] = spec
    for comp in policy.components.values():
        for name, spec in file_inputs(comp.policy).items():
            if name not in out:
                out[name] = spec
            elif out[name].optional and not spec.optional:
                from dataclasses import replace

                out[name] = replace(out[name], optional=False)
    return out


def split_overrides(policy: Policy, overrides: Mapping[str, str]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """``--set`` values: the bundle's own, and each component's (``scoring.divisor`` →
    ``divisor`` for ``scoring``). A prefix that names no component is a usage error."""
    from cspolicy.errors import UsageError

    own: dict[str, str] = {}
    parts: dict[str, dict[str, str]] = {name: {} for name in policy.components}
    for name, value in overrides.items():
        head, sep, rest = name.partition(SEPARATOR)
        if not sep:
            own[name] = value
        elif head in parts and rest:
            parts[head][rest] = value
        else:
            known = ", ".join(policy.components) or "(this policy uses none)"
            raise UsageError(
                f"--set {name}: no component named '{head}'", expected=f"COMPONENT.NAME=VALUE with a component of: {known}"
            )
    return own, parts
