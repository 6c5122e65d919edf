"""Escalation ladders: the sanction for the 1st, 2nd, 3rd … occurrence of an offence.

R-PN-1, R-PN-2 and R-PN-6 are all ladders: a list of rungs (each a combination of
actions such as "fine 100–500 + dismissal"), counted within a window (a calendar month,
a year, the last N days, or ever), with a rule for occurrences past the last rung. The
rungs, windows and even the gravity order of the sanction kinds are policy data; this
module only knows the vocabulary (:data:`SANCTION_KINDS`) and which kinds end employment.

This module defines ladders and counts occurrences (:class:`LadderCounter`, which numbers
the occurrences per (entity, offence) as sorted rows stream past);
:mod:`cspolicy.blocks.schedule` finds offences by name and decides the sanction.
"""

from __future__ import annotations

import datetime as _dt
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from cspolicy.blocks.aggregate import PERIOD_UNITS, period_of
from cspolicy.errors import DataError, PolicyError
from cspolicy.text import plain_number
from cspolicy.values import Value

__all__ = [
    "SANCTION_KINDS",
    "Action",
    "Rung",
    "Window",
    "Ladder",
    "Offence",
    "LadderCounter",
    "ScheduleError",
    "LadderError",
    "UnknownOffence",
]

#: The sanction kinds a rung may use. Vocabulary only: each schedule orders them by gravity.
SANCTION_KINDS: Final = ("warning", "written_warning", "fine", "suspension", "dismissal", "resignation")
_ENDS_EMPLOYMENT: Final = frozenset({"dismissal", "resignation"})
_WINDOW_KINDS: Final = (*PERIOD_UNITS, "rolling", "ever")
_AFTER_LAST: Final = ("repeat", "none")


class ScheduleError(PolicyError, ValueError):
    """An action, rung, ladder or schedule in a policy is malformed."""


class LadderError(DataError, ValueError):
    """A row's sanction cannot be decided, e.g. its amount is outside the rung's range."""


class UnknownOffence(DataError, KeyError):
    """A row names an offence that the schedule does not define."""


def _amount(name: str, value: Decimal | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        raise ScheduleError(f"fine {name} must be a finite Decimal, not {value!r}")
    if value < 0:
        raise ScheduleError(f"fine {name} must not be negative, not {plain_number(value)}")


@dataclass(frozen=True)
class Action:
    """One sanction: a kind, and for a fine either a fixed ``amount`` or a range
    ``minimum``..``maximum`` (inclusive; ``maximum`` None = no upper limit), whose default
    is the minimum unless ``amount_required`` (the source names no amount: each row must).

    >>> Action("fine", minimum=Decimal(100), maximum=Decimal(500)).describe()
    'fine 100–500'
    """

    kind: str
    amount: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    amount_required: bool = False

    def __post_init__(self) -> None:
        if self.kind not in SANCTION_KINDS:
            raise ScheduleError(f"unknown sanction kind {self.kind!r}", expected="one of " + ", ".join(SANCTION_KINDS))
        for name in ("amount", "minimum", "maximum"):
            _amount(name, getattr(self, name))
        given = (self.amount, self.minimum, self.maximum) != (None, None, None)
        if self.kind != "fine":
            if given:
                raise ScheduleError(f"a {self.kind} takes no amount; only a fine does")
            return
        if self.amount is not None and (self.minimum is not None or self.maximum is not None):
            raise ScheduleError("a fine has either a fixed amount or a minimum..maximum range, not both")
        if self.amount is None and self.minimum is None:
            raise ScheduleError("a fine needs an amount or a minimum (and usually a maximum)")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ScheduleError(f"fine minimum {plain_number(self.minimum)} is above its maximum {plain_number(self.maximum)}")

    @property
    def range_text(self) -> str:
        """The amounts a fine allows: ``'20'``, ``'100–500'``, ``'at least 100'``."""
        if self.amount is not None:
            return plain_number(self.amount)
        assert self.minimum is not None
        if self.maximum is None:
            return f"at least {plain_number(self.minimum)}"
        if self.maximum == self.minimum:
            return plain_number(self.minimum)
        return f"{plain_number(self.minimum)}–{plain_number(self.maximum)}"

    def describe(self, fine: Decimal | None = None) -> str:
        """``'warning'``, ``'fine 20'``, ``'fine 100–500'``; ``fine`` shows a decided amount."""
        if self.kind != "fine":
            return self.kind
        return f"fine {plain_number(fine) if fine is not None else self.range_text}"


@dataclass(frozen=True)
class Rung:
    """The sanction for one occurrence: a combination of actions (all apply).

    >>> Rung((Action("fine", minimum=Decimal(100), maximum=Decimal(500)), Action("dismissal"))).describe()
    'fine 100–500 + dismissal'
    """

    actions: tuple[Action, ...]

    def __post_init__(self) -> None:
        if not self.actions:
            raise ScheduleError("a rung needs at least one action")
        kinds = [a.kind for a in self.actions]
        if len(set(kinds)) != len(kinds):
            raise ScheduleError(f"a rung repeats a sanction kind: {' + '.join(kinds)}")

    @property
    def ends_employment(self) -> bool:
        """Whether any action is a dismissal or a resignation."""
        return any(a.kind in _ENDS_EMPLOYMENT for a in self.actions)

    @property
    def fine(self) -> Action | None:
        """The fine action of this rung, if any."""
        return next((a for a in self.actions if a.kind == "fine"), None)

    def describe(self, fine: Decimal | None = None) -> str:
        """The actions joined by ``' + '``; ``fine`` replaces a fine range by the amount decided."""
        return " + ".join(a.describe(fine) for a in self.actions)


@dataclass(frozen=True)
class Window:
    """Which earlier occurrences count towards an occurrence's number.

    ``day``/``week``/``month``/``year``: those in the same calendar period (ISO weeks);
    ``rolling``: those dated within the last ``days`` days including the occurrence's own
    day, i.e. an occurrence on ``d`` counts earlier ones dated after ``d - days`` (with
    ``days=30``, 1 January counts for 30 January but not for 31 January); ``ever``: all.
    """

    kind: str
    days: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in _WINDOW_KINDS:
            raise ScheduleError(f"unknown window {self.kind!r}", expected="one of " + ", ".join(_WINDOW_KINDS))
        if self.kind == "rolling":
            if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 1:
                raise ScheduleError(f"a rolling window needs days, a whole number of at least 1, not {self.days!r}")
        elif self.days is not None:
            raise ScheduleError(f"only a rolling window takes days, not a {self.kind} window")

    def period(self, day: _dt.date) -> str | None:
        """The calendar period holding ``day`` (None for ``ever`` and ``rolling``)."""
        if self.kind in PERIOD_UNITS:
            return period_of(day, self.kind)
        return None


@dataclass(frozen=True)
class Ladder:
    """Rungs for the 1st, 2nd … occurrence within ``window``; past the last rung,
    ``after_last='repeat'`` repeats it and ``'none'`` means no further sanction."""

    rungs: tuple[Rung, ...]
    window: Window
    after_last: str = "repeat"

    def __post_init__(self) -> None:
        if not self.rungs:
            raise ScheduleError("a ladder needs at least one rung")
        if self.after_last not in _AFTER_LAST:
            raise ScheduleError(f"unknown after_last {self.after_last!r}", expected="repeat or none")

    def rung_for(self, occurrence: int) -> Rung | None:
        """The rung of the ``occurrence``-th occurrence (1-based); None = no sanction."""
        if occurrence < 1:
            raise ValueError(f"occurrences are counted from 1, not {occurrence}")
        if occurrence <= len(self.rungs):
            return self.rungs[occurrence - 1]
        return self.rungs[-1] if self.after_last == "repeat" else None


@dataclass(frozen=True)
class Offence:
    """One offence of a schedule: a code, its names, its ladder and its rule id.

    ``gravity`` is the gravity order of the schedule the offence belongs to; a
    :class:`~cspolicy.blocks.schedule.Schedule` fills it in for the offences it holds, so
    that a sanction can be graded from the offence alone. It takes no part in equality.
    """

    code: str
    name_zh: str
    name_en: str
    ladder: Ladder
    rule: str = ""
    gravity: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def title(self) -> str:
        """``'F3 (false receipts, 虚假单据)'``: how messages name the offence."""
        names = ", ".join(n for n in (self.name_en, self.name_zh) if n)
        return f"{self.code} ({names})" if names else self.code


@dataclass
class _Tally:
    """Counting state of one (entity, offence)."""

    last: _dt.date | None = None
    period: str | None = None
    count: int = 0
    recent: deque[_dt.date] = field(default_factory=deque)


class LadderCounter:
    """Counts occurrences per (entity, offence) within each offence's window.

    Feed occurrences in non-decreasing date order per (entity, offence) (the engine sorts
    by entity, date, input order); an earlier date raises ``ValueError``. Call
    :meth:`reset` when the entity changes: memory then stays bounded by one entity's
    state. Without resets the counts stay right, but memory grows with the entities.

    >>> from datetime import date
    >>> late = Offence("L", "迟到", "late", Ladder((Rung((Action("warning"),)),), Window("month")))
    >>> c = LadderCounter()
    >>> [c.step(("ann",), late, date(2024, 1, d)) for d in (5, 9, 31)], c.step(("ann",), late, date(2024, 2, 1))
    ([1, 2, 3], 1)
    """

    def __init__(self) -> None:
        self._tallies: dict[tuple[tuple[Value, ...], str], _Tally] = {}

    def reset(self) -> None:
        """Forget every count (call it when the next rows belong to another entity)."""
        self._tallies.clear()

    def step(self, entity: tuple[Value, ...], offence: Offence, day: _dt.date) -> int:
        """Record one occurrence; return its number (1-based) within the window."""
        tally = self._tallies.get((entity, offence.code))
        if tally is None:
            tally = self._tallies[(entity, offence.code)] = _Tally()
        if tally.last is not None and day < tally.last:
            raise ValueError(f"occurrences of {offence.code} for {entity!r} are out of date order: {day} after {tally.last}")
        tally.last = day
        window = offence.ladder.window
        if window.kind == "rolling":
            assert window.days is not None
            # by day number, not date arithmetic: a window reaching before 0001-01-01 (or a
            # huge one) is no error, it simply holds every earlier occurrence
            cutoff = day.toordinal() - window.days
            while tally.recent and tally.recent[0].toordinal() <= cutoff:
                tally.recent.popleft()
            tally.recent.append(day)
            return len(tally.recent)
        period = window.period(day)
        if period != tally.period:
            tally.period, tally.count = period, 0
        tally.count += 1
        return tally.count
