"""What a formula may refer to, and how a bad formula is reported.

The caller (the engine) describes every name a formula may use as a :class:`Symbol` and every
extra function as a :class:`FunctionSpec`; compiling checks the formula against them before
any data is read, and every problem is an :class:`ExpressionError` pointing at a column of
the formula text, which the caller then places in the policy file (``file:line``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cspolicy.errors import PolicyError
from cspolicy.values import ColumnType, Kind, Value

if TYPE_CHECKING:
    from cspolicy.expressions.nodes import Call

#: Checks a call whose signature depends on its literal arguments (``lookup('items', item,
#: 'points')``): given the call and its arguments' kinds (``None``: the blank literal), it
#: returns the result's kind, closed set of texts and column type, or raises ExpressionError.
Typer = Callable[["Call", Sequence[Kind | None]], tuple[Kind, frozenset[str] | None, ColumnType | None]]

__all__ = ["Symbol", "FunctionSpec", "Typer", "ExpressionError", "describe_kind"]


class ExpressionError(PolicyError):
    """A formula cannot be compiled: bad syntax, a forbidden construct, an unknown name or a
    type mismatch.

    ``column`` is the 1-based character offset into the formula text (as the user wrote it,
    before any normalisation) of the place that is wrong; ``file`` and ``line`` are left for
    the caller to fill with :meth:`PolicyError.located`.
    """


@dataclass(frozen=True)
class Symbol:
    """A name a formula may use: an input column, a parameter or an earlier output.

    ``label`` is the human wording used by :meth:`Expression.explain` (default: ``name``);
    ``ctype`` says how to show its values there (``percent`` → ``15%``); ``values`` is the
    closed set of allowed texts of an enum column, so that ``kind == 'statoin'`` is caught at
    load; ``nullable`` says the value may be blank (``None``) at run time.
    """

    name: str
    kind: Kind
    label: str = ""
    ctype: ColumnType | None = None
    values: frozenset[str] | None = None
    nullable: bool = False

    @property
    def display(self) -> str:
        """The words that stand for this symbol in an explanation."""
        return self.label or self.name


@dataclass(frozen=True)
class FunctionSpec:
    """An extra function the caller provides (a band lookup, a ladder …).

    It has a fixed number of parameters of the given kinds and returns ``result``;
    ``impl`` is called at run time with the evaluated arguments (which may be ``None`` for a
    blank) and should raise one of :data:`RUNTIME_ERRORS` for bad row data.
    ``result_values``, when given, is the closed set of texts it can return. A ``typer``
    replaces ``params``/``result`` for a function whose signature depends on its literal
    arguments (see :data:`Typer`).
    """

    name: str
    params: tuple[Kind, ...]
    result: Kind
    impl: Callable[..., Value]
    result_values: frozenset[str] | None = None
    typer: Typer | None = None
    #: Whether it may return a blank for values that are not blank (a lookup's empty cell).
    may_blank: bool = False


_KIND_WORDS = {
    Kind.NUMBER: "a number",
    Kind.TEXT: "text",
    Kind.BOOLEAN: "true/false",
    Kind.DATE: "a date",
    Kind.DATETIME: "a date and time",
    Kind.PERIOD: "a month (period)",
}


def describe_kind(kind: Kind) -> str:
    """A kind in the words error messages use (``a number``, ``text`` …)."""
    return _KIND_WORDS[kind]
