"""A loaded, checked policy, and how policies are found (shipped names or paths)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cspolicy.errors import PolicyError, UsageError

if TYPE_CHECKING:  # imported by the loading path when it runs (a cached policy needs none of them)
    from cspolicy.planner.bundles import Component
    from cspolicy.planner.consistency import ConsistencyPlan
    from cspolicy.planner.labels import PolicyLabels
    from cspolicy.planner.lookups import LookupPlan
    from cspolicy.planner.parameters import ParameterDef
    from cspolicy.planner.plan import BandsPlan, OutputPlan
    from cspolicy.schema.models import PolicyModel
    from cspolicy.schema.source import Document
    from cspolicy.tables.spec import TableSpec

__all__ = ["Policy", "load_policy", "compile_policy", "compile_model", "shipped_policies", "SHIPPED_PACKAGE"]

#: The package that carries the shipped policy library (``policies/`` in the repository).
SHIPPED_PACKAGE = "cspolicy.policies"


@dataclass(frozen=True)
class Policy:
    """A policy file, validated and compiled: ready to run any number of times.

    Load it with :func:`load_policy`; run it with :func:`cspolicy.run_files` or
    :func:`cspolicy.evaluate`.
    """

    model: PolicyModel
    file: str
    parameters: dict[str, ParameterDef]
    inputs: dict[str, TableSpec]
    outputs: dict[str, OutputPlan]
    bands: dict[str, BandsPlan]
    schedules: dict[str, Any]
    constraints: list[Any] = field(default_factory=list)
    #: The YAML document it was read from (its line numbers place label findings).
    doc: Document | None = field(default=None, compare=False, repr=False)
    #: The static lookup tables (``tables:``), by name.
    tables: dict[str, LookupPlan] = field(default_factory=dict)
    #: ``default_period:`` (input, column): without --period, the month of its latest value.
    default_period: tuple[str, str] | None = None
    #: The (English, Chinese) messages of its checks and warnings written in both languages:
    #: templates for the Chinese catalogue (``{name}`` stands for the value filled in).
    messages_zh: tuple[tuple[str, str], ...] = ()
    #: The groupings chosen with ``--by`` (:mod:`cspolicy.planner.grouping`); () = the defaults.
    grouping: tuple[str, ...] = ()
    #: A bundle's components (``use:``), by name (:mod:`cspolicy.planner.bundles`); empty otherwise.
    components: dict[str, Component] = field(default_factory=dict)
    #: The checks across input files (``consistency:``, :mod:`cspolicy.planner.consistency`).
    consistency: ConsistencyPlan | None = None

    #: The ``name:`` and ``version:`` of the file, kept apart from ``model`` so that a run
    #: from the cache (its run record names both) never validates the model again.
    identity: tuple[str, str] = ("", "")

    @property
    def name(self) -> str:
        return self.identity[0] or self.model.name

    @property
    def version(self) -> str:
        """The policy file's ``version:``."""
        return self.identity[1] if self.identity[0] else self.model.version

    @property
    def title(self) -> str:
        return f"{self.model.title.zh} / {self.model.title.en}"

    @property
    def rules(self) -> dict[str, str]:
        """Rule ID → its summary in English (``labels.rule(rid)`` has both languages)."""
        return {rid: text.of(rid).text("en") for rid, text in self.model.rules.items()}

    @cached_property
    def labels(self) -> PolicyLabels:
        """Every name of the policy in Chinese and English (:mod:`cspolicy.planner.labels`)."""
        from cspolicy.planner.labels import PolicyLabels

        return PolicyLabels(self)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the pydantic model: it is validated again from ``doc`` when first
        used, so unpickling a policy (the command line's cache) does not import pydantic."""
        state = dict(self.__dict__)
        if self.doc is not None:  # a bundle's is made again with its components' tables
            state.pop("model", None)
        return state

    if not TYPE_CHECKING:  # hidden from type checkers, which would accept any attribute

        def __getattr__(self, name: str) -> Any:
            if name != "model" or self.__dict__.get("doc") is None:
                raise AttributeError(f"'Policy' object has no attribute '{name}'")
            from cspolicy.planner.grouping import apply_grouping
            from cspolicy.schema.load import validate_document

            model = apply_grouping(validate_document(self.doc), self.__dict__.get("grouping", ()))
            if self.__dict__.get("components"):
                from cspolicy.planner.bundles import with_components

                model = with_components(model, self.components)
            object.__setattr__(self, "model", model)
            return model

    def model_as_written(self) -> PolicyModel:
        """The policy file's model before any grouping is applied (:mod:`cspolicy.planner.grouping`)."""
        from cspolicy.schema.load import validate_document

        assert self.doc is not None
        return validate_document(self.doc)


def shipped_policies() -> dict[str, Path]:
    """The policies installed with cspolicy, by name (file stem)."""
    from importlib import resources  # imported here: a run given a policy file never needs it

    try:
        root: Any = resources.files(SHIPPED_PACKAGE)
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        root = Path(__file__).resolve().parents[2] / "policies"
    out: dict[str, Path] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out[entry.name[:-5]] = Path(str(entry))
    return out


def resolve_policy_path(ref: str | os.PathLike[str]) -> tuple[Path, str]:
    """A shipped name (``materials-order``) or a path → (path, display name).

    Anything that names a YAML file (``.yaml``/``.yml``, or a path with a directory) is a
    path; other text is first a shipped name.
    """
    text = os.fspath(ref)
    path = Path(text)
    if path.suffix.lower() in (".yaml", ".yml") or os.sep in text or "/" in text:
        if path.is_file():
            return path, text
    shipped = shipped_policies()
    if text in shipped:
        return shipped[text], f"{text}.yaml"
    path = Path(text)
    if path.exists():
        return path, text
    import difflib

    close = difflib.get_close_matches(text, list(shipped), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UsageError(
        f"no policy named '{text}'{hint}", expected=f"a shipped policy ({', '.join(shipped)}) or the path of a policy file"
    )


def load_policy(ref: str | os.PathLike[str]) -> Policy:
    """Load, validate and compile a policy by shipped name or file path.

    Raises :class:`~cspolicy.errors.PolicyError` (``file:line: …``) for anything wrong
    in it; after a successful load only input data can make a run fail.
    """
    from cspolicy.schema.source import read_policy_bytes

    path, display = resolve_policy_path(ref)
    raw = read_policy_bytes(path, display)
    if re.search(rb"(?m)^use[ \t]*:", raw):  # a bundle: its components' paths are relative to its folder
        return compile_policy(raw, display, base=path.parent)
    return compile_policy(raw, display)


def compile_policy(raw: bytes, display: str, *, base: Path | None = None) -> Policy:
    """Parse, validate and compile the bytes of a policy file; ``display`` names the file
    in messages (what :func:`load_policy` does once it has read the file). ``base``: the
    folder a bundle's ``use:`` paths are relative to (default: the current folder)."""
    from cspolicy.schema.load import validate_document
    from cspolicy.schema.yamlsource import parse_policy_bytes

    doc = parse_policy_bytes(raw, display)
    model = validate_document(doc)
    components: dict[str, Any] = {}
    if model.use:
        from cspolicy.planner.bundles import bundle_model

        model, components = bundle_model(model, doc, base, load_policy, resolve_policy_path)
    return compile_model(model, doc, display, components=components)


def compile_model(
    model: PolicyModel, doc: Document, display: str, by: tuple[str, ...] = (), *, components: dict[str, Any] | None = None
) -> Policy:
    """Compile a validated model, grouped ``--by`` these groupings (:mod:`cspolicy.planner.grouping`);
    ``components``: a bundle's, already loaded (:mod:`cspolicy.planner.bundles`)."""
    from cspolicy.planner.build import Builder
    from cspolicy.planner.grouping import apply_grouping

    model = apply_grouping(model, by)
    b = Builder(model, doc)
    params = b.parameters()
    tables = b.lookup_tables() if model.tables else {}
    inputs = b.inputs()
    bands = b.bands(params)
    from cspolicy.planner.band_tables import band_specs
    from cspolicy.planner.build_bands import check_band_tables
    from cspolicy.planner.build_schedules import build_schedules

    check_band_tables(bands, params, doc)
    schedules = build_schedules(model, doc)
    functions = band_specs(bands)
    if tables:
        from cspolicy.planner.lookups import LOOKUP, lookup_spec

        if LOOKUP in functions:
            raise doc.error(
                ("bands", LOOKUP), f"a band table named '{LOOKUP}' hides the function that reads tables", "another name"
            )
        functions[LOOKUP] = lookup_spec(tables)
    if any(p.per_row for p in params.values()):
        from cspolicy.planner.row_parameters import PARAM_AT, param_at_spec

        if PARAM_AT in functions:
            raise doc.error(("bands", PARAM_AT), f"a band table named '{PARAM_AT}' hides a formula function", "another name")
        functions[PARAM_AT] = param_at_spec(params)
    outputs = b.outputs(inputs, params, functions)
    constraints = b.constraints(params)
    for plan in outputs.values():
        if plan.ladder and plan.ladder.schedule not in schedules:  # pragma: no cover - checked in build
            raise PolicyError(f"unknown schedule '{plan.ladder.schedule}'", file=display)
    dp = model.default_period
    default_period = (dp.input, dp.column) if dp is not None else None
    messages = tuple(
        (m.en, m.zh)
        for out in model.outputs.values()
        for m in [*(c.message for c in out.checks), *(w.message for w in out.warnings)]
        if m.en and m.zh and m.en != m.zh
    )
    policy = Policy(
        model,
        display,
        params,
        inputs,
        outputs,
        bands,
        schedules,
        constraints,
        doc,
        tables,
        default_period,
        messages,
        by,
        components or {},
        identity=(model.name, model.version),
    )
    if model.consistency is not None:
        import dataclasses

        from cspolicy.planner.bundles import file_inputs
        from cspolicy.planner.consistency import build_consistency

        checks = build_consistency(model.consistency, doc, file_inputs(policy))
        policy = dataclasses.replace(policy, consistency=checks)
    return policy
