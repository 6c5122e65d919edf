"""The generic building blocks that policies are made of.

Each block is data-driven: the numbers (thresholds, fines, windows, prize amounts) come
from a policy file, never from here.

- ``bands``: a value → an outcome, through explicit ranges (R-MT-4 reviews);
- ``aggregate``: rows grouped per entity and period, one accumulator per group;
- ``ladders``: escalation ladders and occurrence counting (R-PN-1, R-PN-2, R-PN-6);
- ``schedule``: a policy's offences, and the sanction decided for one occurrence;
- ``ranking``: ranks → awards with a tie rule (R-PN-5);
- ``sorting``: a stable sort of a stream in bounded memory.
"""

from __future__ import annotations

from cspolicy.blocks.aggregate import ACCUMULATORS as ACCUMULATORS
from cspolicy.blocks.aggregate import PERIOD_UNITS as PERIOD_UNITS
from cspolicy.blocks.aggregate import Accumulator as Accumulator
from cspolicy.blocks.aggregate import Grouper as Grouper
from cspolicy.blocks.aggregate import ListOf as ListOf
from cspolicy.blocks.aggregate import period_of as period_of
from cspolicy.blocks.aggregate import takes_by as takes_by
from cspolicy.blocks.bands import NO_DEFAULT as NO_DEFAULT
from cspolicy.blocks.bands import Band as Band
from cspolicy.blocks.bands import Bands as Bands
from cspolicy.blocks.bands import BandsError as BandsError
from cspolicy.blocks.bands import NoBandError as NoBandError
from cspolicy.blocks.bands import NoDefault as NoDefault
from cspolicy.blocks.ladders import SANCTION_KINDS as SANCTION_KINDS
from cspolicy.blocks.ladders import Action as Action
from cspolicy.blocks.ladders import Ladder as Ladder
from cspolicy.blocks.ladders import LadderCounter as LadderCounter
from cspolicy.blocks.ladders import LadderError as LadderError
from cspolicy.blocks.ladders import Offence as Offence
from cspolicy.blocks.ladders import Rung as Rung
from cspolicy.blocks.ladders import ScheduleError as ScheduleError
from cspolicy.blocks.ladders import UnknownOffence as UnknownOffence
from cspolicy.blocks.ladders import Window as Window
from cspolicy.blocks.ranking import TIE_RULES as TIE_RULES
from cspolicy.blocks.ranking import award as award
from cspolicy.blocks.ranking import rank as rank
from cspolicy.blocks.schedule import Decided as Decided
from cspolicy.blocks.schedule import Schedule as Schedule
from cspolicy.blocks.schedule import sanction as sanction
from cspolicy.blocks.sorting import ExternalSorter as ExternalSorter
from cspolicy.blocks.sorting import RecordSorter as RecordSorter
from cspolicy.blocks.sorting import external_sort as external_sort
from cspolicy.blocks.sorting import sort_key as sort_key
from cspolicy.text import ordinal as ordinal
from cspolicy.text import percent_text as percent_text
from cspolicy.text import plain_number as plain_number

__all__ = [
    # bands
    "Band",
    "Bands",
    "BandsError",
    "NoBandError",
    "NoDefault",
    "NO_DEFAULT",
    # aggregate
    "Accumulator",
    "ACCUMULATORS",
    "ListOf",
    "takes_by",
    "Grouper",
    "period_of",
    "PERIOD_UNITS",
    # ladders
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
    # schedule
    "Schedule",
    "Decided",
    "sanction",
    # ranking
    "rank",
    "award",
    "TIE_RULES",
    # sorting
    "ExternalSorter",
    "RecordSorter",
    "external_sort",
    "sort_key",
    # message formatting
    "plain_number",
    "percent_text",
    "ordinal",
]
