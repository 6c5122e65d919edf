"""Header presets: read a real system's export (Amazon Connect, Cisco UCCX, a Chinese
call-centre export …) under the policy's own column names.

An input may declare ``presets:``, each naming the export's header for some of its columns
and, where the export writes a value its own way, the conventions that turn a cell into the
policy's cell (a status text meaning *abandoned*, durations in milliseconds, moments in UTC).
When a file is opened, :func:`resolve_preset` picks the preset:

1. ``--preset NAME`` (``TableSpec.forced``): that one; the file must have all its headers.
2. Exactly one preset whose headers are all in the file: that one (a Chinese export whose
   headers are also the policy's Chinese labels still gets its preset's value conventions).
3. Several presets: an error naming them and asking for ``--preset``.
4. No preset, but the file has the policy's own headers (every required column by its name,
   label or alias): no preset, as a file written by cspolicy reads.
5. Otherwise an error listing each preset with the headers it misses.

A preset's column is found by its preset header only (the policy's aliases are not used for
it, so an export's column of the same name but another meaning is not taken by accident);
columns the preset does not name keep their own headers.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from cspolicy.errors import DataError, UsageError
from cspolicy.tables.cells import CellError
from cspolicy.tables.conventions import with_conventions
from cspolicy.tables.spec import Preset, TableSpec

if TYPE_CHECKING:
    from cspolicy.schema.models import Input
    from cspolicy.schema.source import Document

__all__ = ["resolve_preset", "apply_preset", "force_presets", "compile_presets", "with_conventions", "UNIT_SCALE"]

#: The factor that turns a duration in the export's unit into seconds.
UNIT_SCALE = {"s": None, "ms": Decimal("0.001"), "min": Decimal(60)}


def _fold(text: str) -> str:
    from cspolicy.tables.convert import fold

    return fold(text)


def resolve_preset(spec: TableSpec, headers: Sequence[str], name: str) -> TableSpec:
    """The spec to read a file with these ``headers``: ``spec`` itself, or ``spec`` with
    the columns of the preset the headers (or ``--preset``) choose."""
    if not spec.presets:
        return spec
    present = {_fold(h) for h in headers if h.strip()}
    if spec.forced is not None:
        preset = next(p for p in spec.presets if p.name == spec.forced)
        missing = _missing(preset, present)
        if missing:
            raise DataError(
                f"preset '{preset.name}' needs the headers {_quoted(missing)}, which the file does not have",
                file=name,
                row=1,
                expected=f"an export with the headers of {preset.name} ({preset.source})",
            )
        return apply_preset(spec, preset)
    matching = [p for p in spec.presets if not _missing(p, present)]
    if len(matching) == 1:
        return apply_preset(spec, matching[0])
    own = [c for c in spec.columns if c.required and not any(_fold(h) in present for h in c.headers)]
    if not matching and not own:
        return spec
    if matching:
        raise DataError(
            f"the headers fit several presets of '{spec.name}': {', '.join(p.name for p in matching)}",
            file=name,
            row=1,
            expected="--preset NAME to say which export this is",
        )
    lines = [f"{p.name} lacks {_quoted(_missing(p, present))}" for p in spec.presets]
    lines.append(f"the policy's own headers lack {_quoted([c.name for c in own])}")
    raise DataError(
        f"the headers fit no preset of '{spec.name}': " + "; ".join(lines),
        file=name,
        row=1,
        expected=f"the headers of one preset ({', '.join(p.name for p in spec.presets)}) or the policy's own",
    )


def apply_preset(spec: TableSpec, preset: Preset) -> TableSpec:
    """``spec`` whose columns the preset names are found by its headers, with its conventions."""
    by_column = {m.column: m for m in preset.columns}
    columns = []
    for col in spec.columns:
        m = by_column.get(col.name)
        if m is None:
            columns.append(col)
            continue
        columns.append(
            dataclasses.replace(
                col,
                aliases=(m.header,),
                cell_values=m.cell_values,
                unit_scale=m.unit_scale,
                utc_offset=m.utc_offset,
            )
        )
    return dataclasses.replace(spec, columns=tuple(columns), presets=(), forced=preset.name)


def force_presets(inputs: dict[str, TableSpec], names: Sequence[str]) -> dict[str, TableSpec]:
    """``inputs`` with each named preset forced on the input that declares it (``--preset``).

    A name no input declares, or one input named twice, is a usage error (exit 2)."""
    out = dict(inputs)
    for wanted in names:
        owners = [t for t in inputs.values() if any(p.name == wanted for p in t.presets)]
        if not owners:
            known = sorted({p.name for t in inputs.values() for p in t.presets})
            raise UsageError(
                f"no input has a preset named '{wanted}'", expected=f"one of: {', '.join(known) or '(the policy has no presets)'}"
            )
        for table in owners:
            if out[table.name].forced is not None:
                raise UsageError(f"two presets given for input '{table.name}'", expected="one --preset per input")
            out[table.name] = dataclasses.replace(out[table.name], forced=wanted)
    return out


def _missing(preset: Preset, present: set[str]) -> list[str]:
    return [h for h in preset.headers if _fold(h) not in present]


def _quoted(items: Sequence[str]) -> str:
    return ", ".join(f"'{h}'" for h in items)


def compile_presets(doc: Document, table: str, spec: TableSpec, model: Input) -> tuple[Preset, ...]:
    """The presets of input ``table`` as declared in the policy, checked: each names known
    columns, each spelling maps to a value the column accepts, no header is used twice."""
    from cspolicy.tables.convert import make_converter
    from cspolicy.tables.spec import PresetMapping

    out = []
    for pname, p in model.presets.items():
        path: tuple[str | int, ...] = ("inputs", table, "presets", pname)
        if not _PRESET_NAME.match(pname):
            raise doc.error(
                path, f"preset name '{pname}' must be lower-case letters, digits and dashes", "a name like amazon-connect"
            )
        mappings: list[PresetMapping] = []
        seen: dict[str, str] = {}
        for cname, pc in p.columns.items():
            cpath = (*path, "columns", cname)
            if cname not in model.columns:
                raise doc.error(cpath, f"preset '{pname}': unknown column '{cname}'", f"one of: {', '.join(model.columns)}")
            col = spec.column(cname)
            other = seen.setdefault(_fold(pc.header), cname)
            if other != cname:
                raise doc.error(
                    cpath, f"preset '{pname}': header '{pc.header}' names both '{other}' and '{cname}'", "one header per column"
                )
            values: dict[str, str] = {}
            convert = make_converter(dataclasses.replace(col, required=True, default=None))
            for value, spellings in (pc.values or {}).items():
                try:
                    convert(value)
                except CellError as exc:
                    raise doc.error(
                        (*cpath, "values", value), f"preset '{pname}': {exc.message} in column '{cname}'", exc.expected
                    ) from None
                for spelling in spellings:
                    if values.setdefault(_fold(spelling), value) != value:
                        raise doc.error(
                            (*cpath, "values"), f"preset '{pname}': '{spelling}' is given for two values", "each spelling once"
                        )
            if pc.unit not in (None, "s") and col.type.value not in ("duration", "decimal", "integer"):
                raise doc.error(
                    (*cpath, "unit"), f"preset '{pname}': a unit on the {col.type.value} column '{cname}'", "a unit on a duration"
                )
            if pc.utc_offset is not None and col.type.value != "datetime":
                raise doc.error(
                    (*cpath, "utc_offset"),
                    f"preset '{pname}': utc_offset on the {col.type.value} column '{cname}'",
                    "utc_offset on a datetime column",
                )
            offset = None
            if pc.utc_offset is not None:
                sign = -1 if pc.utc_offset[0] == "-" else 1
                offset = sign * (int(pc.utc_offset[1:3]) * 60 + int(pc.utc_offset[4:6]))
            mappings.append(PresetMapping(cname, pc.header, values, UNIT_SCALE[pc.unit or "s"], offset))
        out.append(Preset(pname, p.source, tuple(mappings)))
    return tuple(out)


_PRESET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
