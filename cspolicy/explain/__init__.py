"""Explanations in plain words, in Chinese or English: one renderer for the CLI
(``--explain``), the library (:meth:`~cspolicy.engine.run.Results.explain`) and workbooks.

A run that explains keeps the facts behind the rows a key names (:mod:`.collect`,
:class:`~cspolicy.explain.trace.Trace`); :func:`explain_trace` puts them into words as an
:class:`Explanation`, structured lines (:class:`Line`: text, depth, kind, column) that a
workbook sheet can take, with :meth:`Explanation.text` as plain text on top.

What an explanation says (see :mod:`.figures`, :mod:`.ladder` and
:mod:`cspolicy.expressions.explain`):

* each figure: its label, its value, its rule IDs, the arithmetic with the numbers put in,
  the exact result and the one rounding step; for a choice, the branch taken and why, as
  statements ("no requested was given", "申请数量 2200 超过一周申请数量 2040");
* the hidden columns (intermediate steps) a figure rests on, marked as such;
* the source row as the file held it, a blank cell whose default applied saying so;
* for a group, the rows behind each aggregate with their values (the first ten, then "and
  N more"); for a ladder, the earlier occurrences in the window, the rung and the whole
  ladder; for a rank, what it ranks by, among whom, who ties, the tie rule and the prize;
* the parameters used, with the date each took effect and its source, and the rules.
"""

from __future__ import annotations

from cspolicy.explain.trace import Trace
from cspolicy.i18n import Lang

from .model import LINE_KINDS, Explanation, Line

__all__ = ["Explanation", "Line", "LINE_KINDS", "explain_trace"]


def explain_trace(trace: Trace, lang: Lang = "en") -> Explanation:
    """The explanation of one traced row in ``lang``."""
    import decimal

    from cspolicy.engine.steps import BAND_TABLES
    from cspolicy.money import CONTEXT

    from .figures import Renderer

    token = BAND_TABLES.set(trace.bands)  # formulas are evaluated as the run did
    try:
        with decimal.localcontext(CONTEXT):
            return Renderer(trace, lang).explanation()
    finally:
        BAND_TABLES.reset(token)
