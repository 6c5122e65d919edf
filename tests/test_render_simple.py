"""The terminal table laid out without tabulate (cspolicy.tables.render._simple) is exactly
tabulate's ``simple`` format, and the widths it counts are wcwidth's, so importing tabulate
(about 30 ms of a short run) is needed only for tables it does not take."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate
from wcwidth import wcswidth

from cspolicy.tables.render import _KNOWN, _simple, _width

_TEXT = st.text(
    alphabet=st.sampled_from(list("ab Z09.-_%") + list("中文票数，。、：（）") + list("ＡＢ１") + ["é", "—", "…", "·"]),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    width=st.integers(1, 4),
    data=st.data(),
)
def test_simple_tables_are_tabulates(width: int, data: st.DataObject) -> None:
    headers = data.draw(st.lists(_TEXT.filter(lambda t: t.strip() != ""), min_size=width, max_size=width))
    rows = data.draw(st.lists(st.lists(_TEXT, min_size=width, max_size=width), min_size=1, max_size=5))
    align = data.draw(st.lists(st.sampled_from(["left", "right"]), min_size=width, max_size=width))
    mine = _simple(rows, headers, align)
    assert mine is not None
    assert mine == tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, colalign=align)


def test_every_known_character_is_as_wide_as_wcwidth_says() -> None:
    for code in range(0x20, 0x10000):
        c = chr(code)
        if 0xD800 <= code <= 0xDFFF or _KNOWN.search(c) or (c.isascii() and not c.isprintable()):
            continue
        assert _width(c) == wcswidth(c), (hex(code), _width(c), wcswidth(c))


def test_tables_it_does_not_take_go_to_tabulate() -> None:
    assert _simple([], ["a"], ["left"]) is None  # no rows
    assert _simple([["x"]], [" "], ["left"]) is None  # a blank header
    assert _simple([["e\u0301"]], ["a"], ["left"]) is None  # a combining accent
    assert _simple([["\U0001f600"]], ["a"], ["left"]) is None  # an emoji
    assert re.fullmatch(r"a\n---\n中", _simple([["中"]], ["a"], ["left"]) or "")
