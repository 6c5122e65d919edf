"""The bounded-memory stable sort and the blanks-first sort key."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cspolicy.blocks import ExternalSorter, external_sort, sort_key

D = Decimal
Item = tuple[Any, ...]


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")


def test_sort_key_puts_blanks_first() -> None:
    rows = [(D(2), "b"), (None, "z"), (D("-1"), None), (D(10), "a"), (D("-1"), "a")]
    assert sorted(rows, key=sort_key) == [(None, "z"), (D(-1), None), (D(-1), "a"), (D(2), "b"), (D(10), "a")]
    days = [(date(2024, 3, 1),), (None,), (date(2023, 12, 31),)]
    assert sorted(days, key=sort_key) == [(None,), (date(2023, 12, 31),), (date(2024, 3, 1),)]


def test_sort_key_orders_mixed_kinds_instead_of_failing() -> None:
    mixed = [("x",), (D(1),), (True,), (date(2024, 1, 1),), (None,), (3,)]
    assert sorted(mixed, key=sort_key) == [(None,), (True,), (D(1),), (3,), ("x",), (date(2024, 1, 1),)]


@pytest.mark.parametrize("n", [0, 1, 6, 7, 8, 50])
def test_sizes_around_the_chunk(n: int, tmp_path: Path) -> None:
    items = [((n * 7919 + i * 104729) % 13, i) for i in range(n)]
    got = list(external_sort(items, key=lambda t: t[0], chunk_size=7, tmpdir=str(tmp_path)))
    assert got == sorted(items, key=lambda t: t[0])


def test_fan_in_merges_in_rounds(tmp_path: Path) -> None:
    items = [(i % 5, i) for i in range(200, 0, -1)]
    got = list(external_sort(items, key=lambda t: t[0], chunk_size=3, tmpdir=str(tmp_path), fan_in=2))
    assert got == sorted(items, key=lambda t: t[0])


def test_validation() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        external_sort([], key=lambda x: x, chunk_size=0)  # raised at the call, not at iteration
    with pytest.raises(ValueError, match="fan_in"):
        external_sort([], key=lambda x: x, fan_in=1)


def test_input_is_consumed_lazily() -> None:
    seen: list[int] = []

    def source() -> Iterator[tuple[int]]:
        for i in range(20):
            seen.append(i)
            yield (i,)

    result = external_sort(source(), key=lambda t: t, chunk_size=5)
    assert seen == []
    assert next(result) == (0,)
    assert len(seen) == 20
    result.close()  # type: ignore[attr-defined]


@needs_proc
def test_temp_files_go_away_when_exhausted_closed_or_collected(tmp_path: Path) -> None:
    items = [(i % 11, str(i)) for i in range(100)]
    before = open_fds()

    result = external_sort(items, key=lambda t: t[0], chunk_size=7, tmpdir=str(tmp_path))
    next(result)
    assert open_fds() > before  # runs are open while merging …
    assert os.listdir(tmp_path) == []  # … but have no name in the directory
    result.close()  # type: ignore[attr-defined]
    assert open_fds() == before

    result = external_sort(items, key=lambda t: t[0], chunk_size=7, tmpdir=str(tmp_path))
    next(result)
    del result
    gc.collect()
    assert open_fds() == before

    list(external_sort(items, key=lambda t: t[0], chunk_size=7, tmpdir=str(tmp_path)))
    assert open_fds() == before
    assert os.listdir(tmp_path) == []


@needs_proc
def test_temp_files_go_away_when_the_key_fails(tmp_path: Path) -> None:
    before = open_fds()

    def key(t: Item) -> Any:
        if t[0] == 99:
            raise RuntimeError("bad row")
        return t[0]

    with pytest.raises(RuntimeError, match="bad row"):
        list(external_sort([(i,) for i in range(100)], key=key, chunk_size=7, tmpdir=str(tmp_path)))
    assert open_fds() == before


def test_push_sorter_spills_only_past_a_full_chunk(tmp_path: Path) -> None:
    first: Callable[[tuple[int, int]], int] = lambda t: t[0]  # noqa: E731
    with ExternalSorter(first, chunk_size=7, tmpdir=str(tmp_path)) as sorter:
        for i in range(7):
            sorter.add((i % 3, i))
        assert sorter.runs == 0  # exactly one chunk: stays in memory
        sorter.add((0, 7))
        assert sorter.runs == 1 and len(sorter) == 8
        assert list(sorter.sorted()) == sorted([(i % 3, i) for i in range(7)] + [(0, 7)], key=lambda t: t[0])


def test_push_sorter_is_single_use() -> None:
    sorter: ExternalSorter[int] = ExternalSorter(key=lambda n: n)
    sorter.add(1)
    assert list(sorter.sorted()) == [1]
    with pytest.raises(RuntimeError, match="once"):
        sorter.sorted()
    with pytest.raises(RuntimeError, match="cannot add"):
        sorter.add(2)


@needs_proc
def test_push_sorter_closes_files_on_exit(tmp_path: Path) -> None:
    before = open_fds()
    with ExternalSorter(key=lambda n: n, chunk_size=2, tmpdir=str(tmp_path)) as sorter:
        for i in range(10):
            sorter.add(i)
        assert open_fds() > before
    assert open_fds() == before


cell = st.one_of(
    st.none(),
    st.decimals(min_value=-50, max_value=50, places=2),
    st.sampled_from(["张三", "李四", "a", "B", ""]),
    st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 12, 31)),
    st.integers(-3, 3),
)
column = st.sampled_from(
    [
        st.none() | st.decimals(min_value=-5, max_value=5, places=1),
        st.none() | st.sampled_from(["张三", "李四", "王五"]),
        st.none() | st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 1, 10)),
    ]
)


@settings(database=None, deadline=None)
@given(st.data())
def test_external_sort_equals_sorted(data: st.DataObject) -> None:
    """Random rows, keyed on one typed column (few distinct values, so many ties), spill
    with chunk_size 7 and still come out exactly as the stable sorted() would."""
    key_column = data.draw(column)
    rows = data.draw(st.lists(st.tuples(key_column, cell, st.integers()), max_size=80))
    key = lambda row: sort_key(row[:1])  # noqa: E731
    assert list(external_sort(rows, key=key, chunk_size=7)) == sorted(rows, key=key)
    assert list(external_sort(rows, key=key, chunk_size=7, fan_in=2)) == sorted(rows, key=key)
    with ExternalSorter(key, chunk_size=5, fan_in=3) as sorter:
        for row in rows:
            sorter.add(row)
        assert list(sorter.sorted()) == sorted(rows, key=key)
