"""Ladders, windows, the occurrence counter, schedules and sanction decisions (R-PN-1/2/6)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.blocks import (
    SANCTION_KINDS,
    Action,
    Ladder,
    LadderCounter,
    LadderError,
    Offence,
    Rung,
    Schedule,
    ScheduleError,
    UnknownOffence,
    Window,
    sanction,
)
from cspolicy.errors import DataError, PolicyError

D = Decimal
MONTH = Window("month")
GRAVITY = ["warning", "written_warning", "fine", "suspension", "resignation", "dismissal"]


def fine(amount: int) -> Rung:
    return Rung((Action("fine", amount=D(amount)),))


def only(kind: str) -> Rung:
    return Rung((Action(kind),))


# The rulebook's ladders, written as a policy would write them.
GENERAL = Offence("G1", "一般违规", "general breach", Ladder((only("warning"), fine(20), fine(50)), MONTH), "R-PN-1")
POST = Offence("G2", "脱岗", "leaving the post", Ladder((only("warning"), fine(10), fine(20)), MONTH), "R-PN-1")
COMPLAINT = Offence("C1", "服务原因客诉", "buyer complaint", Ladder((fine(50), fine(100), only("resignation")), MONTH), "R-PN-2")
FOUND_PROPERTY = Offence(
    "F4",
    "私藏拾遗物品",
    "keeping found property",
    Ladder((Rung((Action("fine", minimum=D(100), maximum=D(500)), Action("dismissal"))),), Window("ever")),
    "R-PN-1",
)
RECEIPTS = Offence(
    "F3",
    "虚假单据",
    "false receipts",
    Ladder((Rung((Action("fine", minimum=D(100), maximum=D(500)),)),), Window("ever")),
    "R-PN-1",
)
DISCIPLINE = Offence(
    "D1",
    "违纪",
    "discipline",
    Ladder(
        (
            only("warning"),
            only("written_warning"),
            Rung((Action("fine", minimum=D(0)),)),
            only("suspension"),
            only("dismissal"),
        ),
        Window("year"),
        after_last="none",
    ),
    "R-PN-6",
)
SCHEDULE = Schedule([GENERAL, POST, COMPLAINT, FOUND_PROPERTY, RECEIPTS, DISCIPLINE], GRAVITY)


def decide(offence: Offence, occurrence: int, amount: Decimal | None = None) -> tuple[Decimal, str]:
    d = sanction(offence, occurrence, amount, schedule=SCHEDULE)
    return d.fine, d.sanction


def test_general_ladder_repeats_its_last_rung() -> None:
    assert [decide(GENERAL, n) for n in (1, 2, 3, 4)] == [
        (D(0), "warning"),
        (D(20), "fine 20"),
        (D(50), "fine 50"),
        (D(50), "fine 50"),
    ]
    assert [decide(POST, n)[0] for n in (1, 2, 3)] == [D(0), D(10), D(20)]


def test_doubling_ladder_ends_in_resignation() -> None:
    decided = [SCHEDULE.sanction(COMPLAINT, n) for n in (1, 2, 3, 4)]
    assert [(d.fine, d.sanction, d.ends_employment) for d in decided] == [
        (D(50), "fine 50", False),
        (D(100), "fine 100", False),
        (D(0), "resignation", True),
        (D(0), "resignation", True),
    ]
    assert [d.gravity for d in decided] == [3, 3, 5, 5]


def test_discipline_ladder_and_after_last_none() -> None:
    decided = [SCHEDULE.sanction(DISCIPLINE, n, D(30) if n == 3 else None) for n in range(1, 7)]
    assert [d.sanction for d in decided] == ["warning", "written_warning", "fine 30", "suspension", "dismissal", "none"]
    assert [d.gravity for d in decided] == [1, 2, 3, 4, 6, 0]
    last = decided[-1]
    assert (last.rung, last.fine, last.ends_employment) == (None, D(0), False)
    assert SCHEDULE.is_monotone(DISCIPLINE)


def test_fine_range_defaults_to_its_minimum_and_validates() -> None:
    assert decide(FOUND_PROPERTY, 1) == (D(100), "fine 100 + dismissal")
    assert decide(FOUND_PROPERTY, 1, D(300)) == (D(300), "fine 300 + dismissal")
    assert decide(FOUND_PROPERTY, 1, D(500)) == (D(500), "fine 500 + dismissal")
    assert SCHEDULE.sanction(FOUND_PROPERTY, 1).ends_employment
    with pytest.raises(LadderError) as info:
        decide(RECEIPTS, 1, D(600))
    assert str(info.value) == (
        "amount 600 is outside 100–500 for offence F3 (false receipts, 虚假单据), 1st occurrence; "
        "expected an amount in 100–500, or a blank amount for 100"
    )
    with pytest.raises(LadderError, match="amount 99.99 is outside 100–500"):
        decide(RECEIPTS, 2, D("99.99"))


def test_open_fine_range() -> None:
    with pytest.raises(LadderError, match="amount -1 is below the minimum 0 for offence D1"):
        decide(DISCIPLINE, 3, D(-1))
    assert decide(DISCIPLINE, 3) == (D(0), "fine 0")


def test_fixed_fine_and_given_amount() -> None:
    assert decide(GENERAL, 2, D("20.00")) == (D(20), "fine 20")
    with pytest.raises(LadderError, match="amount 30 differs from the fixed fine 20 for offence G1 .*, 2nd occurrence"):
        decide(GENERAL, 2, D(30))


def test_amount_on_a_rung_without_fine() -> None:
    assert decide(GENERAL, 1, D(0)) == (D(0), "warning")
    with pytest.raises(LadderError, match="amount 20 was given, but the sanction .* 1st occurrence is warning"):
        decide(GENERAL, 1, D(20))
    with pytest.raises(LadderError, match="6th occurrence is no sanction"):
        decide(DISCIPLINE, 6, D(5))


def test_errors_belong_to_the_error_tree() -> None:
    assert issubclass(LadderError, DataError) and issubclass(LadderError, ValueError)
    assert issubclass(UnknownOffence, DataError) and issubclass(UnknownOffence, KeyError)
    assert issubclass(ScheduleError, PolicyError) and issubclass(ScheduleError, ValueError)


def test_rung_description_and_properties() -> None:
    rung = FOUND_PROPERTY.ladder.rungs[0]
    assert rung.describe() == "fine 100–500 + dismissal"
    assert rung.ends_employment and rung.fine is not None
    assert fine(20).describe() == "fine 20" and only("warning").describe() == "warning"
    assert not fine(20).ends_employment and only("warning").fine is None
    assert Action("fine", minimum=D(100)).describe() == "fine at least 100"


def test_rung_for() -> None:
    ladder = GENERAL.ladder
    assert ladder.rung_for(1) == only("warning")
    assert ladder.rung_for(99) == fine(50)
    assert DISCIPLINE.ladder.rung_for(6) is None
    with pytest.raises(ValueError, match="counted from 1"):
        ladder.rung_for(0)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Action("caning"), "unknown sanction kind 'caning'"),
        (lambda: Action("warning", amount=D(5)), "a warning takes no amount"),
        (lambda: Action("fine"), "a fine needs an amount or a minimum"),
        (lambda: Action("fine", amount=D(5), minimum=D(1)), "either a fixed amount or a minimum"),
        (lambda: Action("fine", minimum=D(500), maximum=D(100)), "minimum 500 is above its maximum 100"),
        (lambda: Action("fine", amount=D(-5)), "must not be negative"),
        (lambda: Action("fine", amount=20), "must be a finite Decimal"),  # type: ignore[arg-type]
        (lambda: Rung(()), "at least one action"),
        (lambda: Rung((Action("warning"), Action("warning"))), "repeats a sanction kind"),
        (lambda: Window("fortnight"), "unknown window 'fortnight'"),
        (lambda: Window("rolling"), "needs days"),
        (lambda: Window("rolling", days=0), "needs days"),
        (lambda: Window("month", days=30), "only a rolling window takes days"),
        (lambda: Ladder((), MONTH), "at least one rung"),
        (lambda: Ladder((fine(1),), MONTH, after_last="stop"), "unknown after_last 'stop'"),
    ],
)
def test_malformed_definitions(make: object, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        make()  # type: ignore[operator]


def test_schedule_validation() -> None:
    with pytest.raises(ScheduleError, match="uses 'dismissal', which the gravity order does not list"):
        Schedule([FOUND_PROPERTY], ["warning", "fine"])
    with pytest.raises(ScheduleError, match="unknown sanction kind 'flogging'"):
        Schedule([], ["warning", "flogging"])
    with pytest.raises(ScheduleError, match="twice"):
        Schedule([], ["warning", "warning"])
    with pytest.raises(ScheduleError, match="code 'g1' is defined twice"):
        Schedule([GENERAL, Offence("g1", "别的", "other", GENERAL.ladder)], GRAVITY)
    with pytest.raises(ScheduleError, match="'脱岗' names both offence G2 and offence X"):
        Schedule([POST, Offence("X", "脱岗", "", GENERAL.ladder)], GRAVITY)
    assert len(Schedule([], [])) == 0
    assert SCHEDULE.codes == ("G1", "G2", "C1", "F4", "F3", "D1")
    assert set(SANCTION_KINDS) == set(GRAVITY)


@pytest.mark.parametrize("text", ["F3", " f3 ", "ｆ３", "虚假单据", "False Receipts", "FALSE RECEIPTS\u3000"])
def test_find_by_code_or_name(text: str) -> None:
    found = SCHEDULE.find(text)
    assert found == RECEIPTS and found.gravity == tuple(GRAVITY)


def test_found_offences_grade_their_sanctions_without_the_schedule() -> None:
    complaint = SCHEDULE.find("C1")
    assert sanction(complaint, 3).gravity == 5
    assert sanction(complaint, 3, schedule=Schedule([COMPLAINT], ["resignation", "fine"])).gravity == 1
    with pytest.raises(ValueError, match="belongs to no schedule"):
        sanction(COMPLAINT, 1)


def test_unknown_offence_lists_codes_and_suggests() -> None:
    with pytest.raises(UnknownOffence) as info:
        SCHEDULE.find("false receipt")
    assert str(info.value) == (
        "unknown offence 'false receipt' (did you mean F3 (false receipts, 虚假单据)?); "
        "expected one of the codes G1, G2, C1, F4, F3, D1"
    )
    with pytest.raises(KeyError, match="expected one of the codes"):
        SCHEDULE.find("zzzz")


def test_gravity_of_and_monotone() -> None:
    assert SCHEDULE.gravity_of(None) == 0
    assert SCHEDULE.gravity_of(only("warning")) == 1
    assert SCHEDULE.gravity_of(FOUND_PROPERTY.ladder.rungs[0]) == 6  # its gravest action counts
    assert all(SCHEDULE.is_monotone(o) for o in SCHEDULE)
    softer = Offence("S", "", "softer", Ladder((fine(50), fine(20)), MONTH))
    assert not Schedule([softer], GRAVITY).is_monotone(softer)


def numbers(offence: Offence, days: list[date], entity: tuple[str, ...] = ("ann",)) -> list[int]:
    counter = LadderCounter()
    return [counter.step(entity, offence, d) for d in days]


def with_window(window: Window) -> Offence:
    return Offence("W", "", "windowed", Ladder((only("warning"),), window))


def test_month_window() -> None:
    days = [date(2024, 1, 1), date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 29), date(2024, 3, 1)]
    assert numbers(with_window(MONTH), days) == [1, 2, 1, 2, 1]
    assert numbers(with_window(MONTH), [date(2024, 1, 31), date(2024, 2, 1)]) == [1, 1]


def test_rolling_window() -> None:
    rolling = with_window(Window("rolling", days=30))
    assert numbers(rolling, [date(2024, 1, 1), date(2024, 1, 30)]) == [1, 2]  # 29 days later: inside
    assert numbers(rolling, [date(2024, 1, 1), date(2024, 1, 31)]) == [1, 1]  # 30 days later: outside
    assert numbers(rolling, [date(2024, 1, 1), date(2024, 1, 30), date(2024, 1, 31)]) == [1, 2, 2]
    same_day = [date(2024, 5, 5)] * 3
    assert numbers(rolling, same_day) == [1, 2, 3]
    assert numbers(with_window(Window("rolling", days=1)), same_day + [date(2024, 5, 6)]) == [1, 2, 3, 1]


def test_year_ever_and_week_windows() -> None:
    days = [date(2023, 12, 31), date(2024, 1, 1), date(2024, 6, 1), date(2025, 1, 1)]
    assert numbers(with_window(Window("year")), days) == [1, 1, 2, 1]
    assert numbers(with_window(Window("ever")), days) == [1, 2, 3, 4]
    week = [date(2024, 1, 7), date(2024, 1, 8), date(2024, 1, 14), date(2024, 1, 15)]  # Sun, Mon … Mon
    assert numbers(with_window(Window("week")), week) == [1, 1, 2, 1]


def test_counts_are_per_entity_and_offence() -> None:
    counter = LadderCounter()
    day = date(2024, 1, 1)
    assert counter.step(("ann",), GENERAL, day) == 1
    assert counter.step(("bob",), GENERAL, day) == 1
    assert counter.step(("ann",), POST, day) == 1
    assert counter.step(("ann",), GENERAL, day) == 2
    counter.reset()
    assert counter.step(("ann",), GENERAL, day) == 1


def test_out_of_order_dates_are_refused() -> None:
    counter = LadderCounter()
    counter.step(("ann",), GENERAL, date(2024, 1, 5))
    with pytest.raises(ValueError, match="out of date order: 2024-01-04 after 2024-01-05"):
        counter.step(("ann",), GENERAL, date(2024, 1, 4))


def test_counter_and_sanction_together() -> None:
    counter = LadderCounter()
    days = [date(2024, 3, d) for d in (1, 8, 15, 22)] + [date(2024, 4, 1)]
    decided = [SCHEDULE.sanction(COMPLAINT, counter.step(("shop",), COMPLAINT, d)) for d in days]
    assert [d.sanction for d in decided] == ["fine 50", "fine 100", "resignation", "resignation", "fine 50"]


@st.composite
def monotone_ladders(draw: st.DrawFn) -> Offence:
    """Rungs of non-decreasing gravity; fines with non-decreasing lowest amounts."""
    size = draw(st.integers(1, 6))
    kinds = sorted(draw(st.lists(st.integers(0, len(GRAVITY) - 1), min_size=size, max_size=size)))
    amounts = sorted(draw(st.lists(st.integers(0, 1000), min_size=size, max_size=size)))
    rungs = []
    for k, amount in zip(kinds, amounts, strict=True):
        kind = GRAVITY[k]
        if kind == "fine":
            if draw(st.booleans()):
                action = Action("fine", amount=D(amount))
            else:
                action = Action("fine", minimum=D(amount), maximum=D(amount + draw(st.integers(0, 500))))
            rungs.append(Rung((action,)))
        else:
            rungs.append(only(kind))
    after = draw(st.sampled_from(["repeat", "none"]))
    return Offence("M", "", "monotone", Ladder(tuple(rungs), MONTH, after_last=after))


@settings(database=None, deadline=None)
@given(monotone_ladders())
def test_monotone_ladder_never_gets_lighter(offence: Offence) -> None:
    schedule = Schedule([offence], GRAVITY)
    assert schedule.is_monotone(offence)
    decided = [schedule.sanction(offence, n) for n in range(1, len(offence.ladder.rungs) + 4)]
    assert all(d.fine >= 0 for d in decided)
    stop = len(offence.ladder.rungs) if offence.ladder.after_last == "none" else len(decided)
    gravities = [d.gravity for d in decided[:stop]]
    assert gravities == sorted(gravities)
    fines = [d.fine for d in decided[:stop] if d.rung is not None and d.rung.fine is not None]
    assert fines == sorted(fines)


@settings(database=None, deadline=None)
@given(
    march=st.lists(st.integers(1, 31), max_size=8),
    others=st.lists(st.integers(0, 365), max_size=12),
)
def test_other_months_never_change_this_months_numbers(march: list[int], others: list[int]) -> None:
    target = [date(2024, 3, d) for d in march]
    outside = [date(2024, 1, 1) + timedelta(days=n) for n in others]
    outside = [d for d in outside if (d.year, d.month) != (2024, 3)]
    alone = numbers(GENERAL, sorted(target))
    mixed_days = sorted(target + outside)
    mixed = numbers(GENERAL, mixed_days)
    assert [n for d, n in zip(mixed_days, mixed, strict=True) if d.month == 3 and d.year == 2024] == alone
    assert alone == list(range(1, len(target) + 1))
