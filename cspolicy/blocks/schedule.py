"""A policy's offences, and the sanction decided for one occurrence.

:class:`Schedule` holds one policy's offences and the gravity order of its sanction
kinds, and finds an offence by code or name as a row spells it; :func:`sanction` turns an
occurrence number (from :class:`~cspolicy.blocks.ladders.LadderCounter`) and an optional
amount from the row into a :class:`Decided` sanction, or a :class:`LadderError` a clerk
can act on.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from cspolicy.blocks.ladders import SANCTION_KINDS, LadderError, Offence, Rung, ScheduleError, UnknownOffence
from cspolicy.tables.cells import cell_fold
from cspolicy.tables.chars import describe, odd_digit
from cspolicy.text import ordinal, plain_number

__all__ = ["Schedule", "Decided", "sanction"]


@dataclass(frozen=True)
class Decided:
    """The sanction decided for one occurrence.

    ``fine`` is 0 when the rung has no fine; ``sanction`` is the rung's description with
    the decided amount, or ``'none'``; ``gravity`` is :meth:`Schedule.gravity_of`.
    """

    occurrence: int
    rung: Rung | None
    fine: Decimal
    sanction: str
    ends_employment: bool
    gravity: int


def _norm(text: str) -> str:
    """A code or name as a row may spell it, folded like an enum cell (never NFKC: that reads
    ``C①`` and ``C₁`` as ``C1``, so a typo would silently count towards offence C1)."""
    return cell_fold(text)


class Schedule:
    """The offences of one policy, and the gravity order of its sanction kinds.

    ``gravity`` lists sanction kinds from least to most grave and must include every kind
    any rung uses. The schedule holds copies of the offences with this order filled in
    (:attr:`Offence.gravity`), so :func:`sanction` can grade an offence :meth:`find`
    returned without being handed the schedule. :meth:`find` accepts a code or a Chinese or
    English name, compared after the width mapping of cell values, trimming and case folding
    (so ``ｆ３`` finds ``F3``, but ``F③`` and ``F₃`` find nothing).
    """

    def __init__(self, offences: Sequence[Offence], gravity: Sequence[str]) -> None:
        self.gravity = tuple(gravity)
        self.offences = tuple(replace(o, gravity=self.gravity) for o in offences)
        for kind in self.gravity:
            if kind not in SANCTION_KINDS:
                raise ScheduleError(
                    f"gravity lists unknown sanction kind {kind!r}", expected="one of " + ", ".join(SANCTION_KINDS)
                )
        if len(set(self.gravity)) != len(self.gravity):
            raise ScheduleError(f"gravity lists a sanction kind twice: {', '.join(self.gravity)}")
        self._found: dict[str, Offence] = {}
        self._index: dict[str, Offence] = {}
        self._by_code: dict[str, Offence] = {}
        for offence in self.offences:
            if not offence.code.strip():
                raise ScheduleError("an offence needs a code")
            if _norm(offence.code) in self._by_code:
                raise ScheduleError(f"offence code {offence.code!r} is defined twice")
            for kind in {a.kind for rung in offence.ladder.rungs for a in rung.actions}:
                if kind not in self.gravity:
                    raise ScheduleError(
                        f"offence {offence.title} uses {kind!r}, which the gravity order does not list",
                        expected="gravity to list " + ", ".join(sorted({kind, *self.gravity})),
                    )
            for text in (offence.code, offence.name_zh, offence.name_en):
                key = _norm(text)
                if not key:
                    continue
                other = self._index.get(key)
                if other is not None and other.code != offence.code:
                    raise ScheduleError(f"{text!r} names both offence {other.code} and offence {offence.code}")
                self._index[key] = offence
            self._by_code[_norm(offence.code)] = offence

    def __iter__(self) -> Iterator[Offence]:
        return iter(self.offences)

    def __len__(self) -> int:
        return len(self.offences)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.offences)

    def find(self, text: str) -> Offence:
        """The offence with this code or name; :class:`UnknownOffence` lists the codes."""
        offence = self._found.get(text)
        if offence is not None:
            return offence
        offence = self._index.get(_norm(text))
        if offence is not None:
            if len(self._found) < 10_000:  # the same few spellings recur on every row
                self._found[text] = offence
            return offence
        close = difflib.get_close_matches(_norm(text), list(self._index), n=1, cutoff=0.6)
        hint = f" (did you mean {self._index[close[0]].title}?)" if close else ""
        odd = odd_digit(text)
        if odd is not None:
            hint += f" ('{odd}' ({describe(odd)}) is not a digit)"
        raise UnknownOffence(f"unknown offence {text!r}{hint}", value=text, expected="one of the codes " + ", ".join(self.codes))

    def gravity_of(self, rung: Rung | None) -> int:
        """0 for no sanction, else 1 + the gravity index of the rung's gravest action."""
        return _grade(self.gravity, rung)

    def is_monotone(self, offence: Offence) -> bool:
        """Whether the ladder never gets lighter: gravity never falls and, at equal
        gravity, the lowest fine allowed never falls (a lint for policy authors)."""
        last: tuple[int, Decimal] = (0, Decimal(0))
        for rung in offence.ladder.rungs:
            fine = rung.fine
            low = Decimal(0) if fine is None else fine.amount if fine.amount is not None else fine.minimum
            assert low is not None
            now = (self.gravity_of(rung), low)
            if now < last:
                return False
            last = now
        return True

    def sanction(self, offence: Offence, occurrence: int, amount: Decimal | None = None) -> Decided:
        """Shorthand for :func:`sanction` with this schedule."""
        return sanction(offence, occurrence, amount, schedule=self)


def _grade(order: tuple[str, ...], rung: Rung | None) -> int:
    if rung is None:
        return 0
    return 1 + max(order.index(a.kind) for a in rung.actions)


def sanction(offence: Offence, occurrence: int, amount: Decimal | None = None, *, schedule: Schedule | None = None) -> Decided:
    """Decide the sanction of the ``occurrence``-th occurrence of ``offence``.

    ``amount`` is the fine a row gives, if any: a fixed fine must match it (or it is
    left blank), a range must contain it (blank → the minimum), and a rung without a
    fine accepts only a blank or 0. The gravity order comes from ``schedule`` when given,
    else from the offence (as :meth:`Schedule.find` returns it); an offence that belongs
    to no schedule needs ``schedule``.

    >>> from cspolicy.blocks.ladders import Action, Ladder, Window
    >>> complaint = Offence("C", "客诉", "complaint", Ladder((
    ...     Rung((Action("fine", amount=Decimal(50)),)), Rung((Action("fine", amount=Decimal(100)),)),
    ...     Rung((Action("resignation"),))), Window("month")))
    >>> complaint = Schedule([complaint], ["fine", "resignation"]).find("C")
    >>> [(str(d.fine), d.sanction) for d in (sanction(complaint, n) for n in (1, 2, 3, 4))]
    [('50', 'fine 50'), ('100', 'fine 100'), ('0', 'resignation'), ('0', 'resignation')]
    """
    order = offence.gravity if schedule is None else schedule.gravity
    if not order:
        raise ValueError(f"offence {offence.code} belongs to no schedule; pass schedule= to grade its sanction")
    rung = offence.ladder.rung_for(occurrence)

    def where() -> str:  # only built for a message: sanction() runs once per offence row
        return f"for offence {offence.title}, {ordinal(occurrence)} occurrence"

    action = None if rung is None else rung.fine
    if action is None:
        if amount is not None and amount != 0:
            what = "no sanction" if rung is None else rung.describe()
            raise LadderError(
                f"amount {plain_number(amount)} was given, but the sanction {where()} is {what}, without a fine",
                value=plain_number(amount),
                expected="a blank amount",
            )
        fine = Decimal(0)
    elif action.amount is not None:
        if amount is not None and amount != action.amount:
            raise LadderError(
                f"amount {plain_number(amount)} differs from the fixed fine {action.range_text} {where()}",
                value=plain_number(amount),
                expected=f"{action.range_text} or a blank amount",
            )
        fine = action.amount
    else:
        assert action.minimum is not None
        if amount is None and action.amount_required:
            raise LadderError(
                f"the fine {where()} has no set amount: the row must give it",
                expected=f"an amount {action.range_text}",
            )
        fine = action.minimum if amount is None else amount
        if fine < action.minimum or (action.maximum is not None and fine > action.maximum):
            if action.maximum is None:
                problem, allowed = f"is below the minimum {plain_number(action.minimum)}", action.range_text
            else:
                problem, allowed = f"is outside {action.range_text}", f"in {action.range_text}"
            raise LadderError(
                f"amount {plain_number(fine)} {problem} {where()}",
                value=plain_number(fine),
                expected=f"an amount {allowed}, or a blank amount for {plain_number(action.minimum)}",
            )
    return Decided(
        occurrence=occurrence,
        rung=rung,
        fine=fine,
        sanction="none" if rung is None else rung.describe(fine if action is not None else None),
        ends_employment=rung is not None and rung.ends_employment,
        gravity=_grade(order, rung),
    )
