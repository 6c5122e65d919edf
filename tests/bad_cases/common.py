"""Helpers shared by the bad-input catalogue's case files.

Every module in this package (other than this one) defines ``CASES``: a list of
:class:`Case`, collected by ``tests/test_bad_inputs.py``. Add a module per area, so cases
for a new area never touch another area's file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BASE = (REPO / "policies" / "materials-order.yaml").read_text(encoding="utf-8")
HEADER = "站点,物料,上月实际票数,增长率,申请数量,超额理由\n"
GOOD = HEADER + "A站,面单,10000,15%,,\n"
WEEKLY_EXPR = "        expr: parcels × (1 + growth + loss) ÷ 4\n"


@dataclass
class Case:
    id: str
    args: list[str]
    code: int
    messages: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    pattern: str | None = None  # a regex that must match stderr
    lines: int | None = None  # exact number of lines on stderr
    add_output: bool = True  # add -o out.json to a run that has no -o


def csv_case(
    id: str, body: str | bytes, messages: list[str], *, lines: int | None = 1, code: int = 1, extra: tuple[str, ...] = ()
) -> Case:
    return Case(id, ["run", "materials-order", "stations.csv", *extra], code, messages, files={"stations.csv": body}, lines=lines)


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


ANY_LINE = "<any line>"


def line_of(text: str, marker: str) -> int:
    (number,) = [n for n, line in enumerate(text.splitlines(), 1) if marker in line][:1]
    return number


def policy_case(id: str, text: str | bytes, messages: list[str], marker: str | None) -> Case:
    """A broken policy copy ``bad.yaml``; ``marker`` is text on the line the error must name
    (ANY_LINE: some line; None: the error has no line, e.g. the file is too big)."""
    if marker is None:
        pattern = r"bad\.yaml: "
    elif marker is ANY_LINE:
        pattern = r"bad\.yaml:\d+(:\d+)?: "
    else:
        pattern = rf"bad\.yaml:{line_of(str(text), marker)}(:\d+)?: "
    return Case(
        id,
        ["run", "bad.yaml", "stations.csv"],
        2,
        messages,
        files={"bad.yaml": text, "stations.csv": GOOD},
        pattern=pattern,
        lines=1,
    )


def laughs() -> str:
    """Nine levels of nine aliases each (9**9 strings if expanded), then the policy."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n" + BASE


many_bad = HEADER + "A站,面单,abc,15%,,\nB站,面单,100,x,,\nC站,面单,100,15%,-3,\n"
sixty_bad = HEADER + "".join(f"S{i},面单,x{i},15%,,\n" for i in range(60))
late_gb = (HEADER + "".join(f"S{i},面单,{i},15%,,\n" for i in range(5000))).encode("utf-8") + "Z站,面单,1,15%,,\n".encode(
    "gb18030"
)
