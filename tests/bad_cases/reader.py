"""Catalogue cases of the reader and the cell converters (issue 14): quotes left open and
line breaks, bare percents, digits that are not digits, control characters, Excel serial
dates, explicit encodings that do not fit. Each names ``file:row:column`` where a cell is
to blame."""

from __future__ import annotations

from .common import BASE, GOOD, HEADER, Case, csv_case, edit, policy_case

OFFENCES = "工号,姓名,日期,违规,金额,备注\n"


def offences_case(id: str, date: str, messages: list[str]) -> Case:
    """penalties-club over one offence row whose date cell is ``date``."""
    return Case(
        id,
        ["run", "penalties-club", "offences.csv"],
        1,
        ["offences.csv:2:日期", *messages],
        files={"offences.csv": OFFENCES + f"E001,张三,{date},G1,,\n"},
        lines=1,
    )


SERIALS = "as an Excel day number it must be 18264 to 73415, that is 1950-01-01 to 2100-12-31"
QUOTE = ["holds a line break", 'a quote mark (") opened in it', "multiline: true"]

CASES = [
    # --- a quote left open, line breaks (exit 1, the row where the cell starts) ----------------
    csv_case(
        "open-quote-in-last-column",
        HEADER + 'A站,面单,100,15%,200,"备货\nB站,面单,100,15%,,\nC站,面单,100,15%,,\n',
        ["stations.csv:2:超额理由", "'备货…'", "runs from line 2 to line 4", *QUOTE],
    ),
    csv_case(
        "open-quote-in-first-column",
        HEADER + 'A站,面单,100,15%,,\n"B站,面单,100,15%,,\nC站,面单,100,15%,,\n',
        ["stations.csv:3:站点", "runs from line 3 to line 4", *QUOTE],
    ),
    csv_case(
        "open-quote-in-an-unread-column",
        "备注," + HEADER + '"x,A站,面单,100,15%,,\nB,B站,面单,100,15%,,\n',
        ["stations.csv:2:备注", "runs from line 2 to line 3", *QUOTE],
    ),
    csv_case(
        "line-break-in-a-quoted-text-cell",
        HEADER + 'A站,面单,100,15%,200,"备货\r\n双十一"\n',
        ["stations.csv:2:超额理由", "runs from line 2 to line 3", *QUOTE],
    ),
    csv_case(
        "carriage-return-in-a-number-cell",
        HEADER + 'A站,面单,"10\r0",15%,,\n',
        ["stations.csv:2:上月实际票数", *QUOTE],
    ),
    csv_case(
        "open-quote-beyond-the-cell-size-limit",
        HEADER + 'A站,面单,100,15%,,\nB站,面单,100,15%,,"' + "备货" * 70000 + "\n",
        ["stations.csv:3: cannot read the row", "field larger than field limit", 'a quote mark (") opened in this row'],
    ),
    # --- percents: a bare number is a fraction only below 1 ------------------------------------
    csv_case(
        "growth-bare-5",
        HEADER + "A站,面单,10000,5,,\n",
        ["stations.csv:2:增长率", "'5' is not a percentage", "5% or the fraction 0.05"],
    ),
    csv_case(
        "growth-bare-1",
        HEADER + "A站,面单,10000,1,,\n",
        ["stations.csv:2:增长率", "'1' is not a percentage", "1% or the fraction 0.01", "100% for all of it"],
    ),
    csv_case("growth-bare-1.0", HEADER + "A站,面单,10000,1.0,,\n", ["stations.csv:2:增长率", "'1.0' is not a percentage"]),
    csv_case(
        "growth-bare-fullwidth-15",
        HEADER + "A站,面单,10000,１５,,\n",
        ["stations.csv:2:增长率", "'１５' is not a percentage", "15% or the fraction 0.15"],
    ),
    csv_case(
        "set-loss-bare-7",
        GOOD,
        ["--set loss=7", "'7' is not a percentage", "7% or the fraction 0.07"],
        code=2,
        extra=("--set", "loss=7"),
    ),
    policy_case(
        "policy-percent-value-bare-7",
        edit("        value: 7%\n", "        value: 7\n", BASE),
        ["parameter 'loss'", "'7' is not a percentage", "7% or the fraction 0.07"],
        "value: 7",
    ),
    # --- only ASCII and full-width digits are digits -------------------------------------------
    csv_case(
        "parcels-superscript",
        HEADER + "A站,面单,5000¹,15%,,\n",
        ["stations.csv:2:上月实际票数", "'5000¹' is not a whole number", "'¹' (U+00B9 SUPERSCRIPT ONE) is not a digit"],
    ),
    csv_case(
        "parcels-circled",
        HEADER + "A站,面单,①,15%,,\n",
        ["stations.csv:2:上月实际票数", "'①' (U+2460 CIRCLED DIGIT ONE) is not a digit", "with the digits 0-9"],
    ),
    csv_case(
        "requested-subscript",
        HEADER + "A站,面单,100,15%,1₂,\n",
        ["stations.csv:2:申请数量", "'₂' (U+2082 SUBSCRIPT TWO) is not a digit"],
    ),
    csv_case(
        "parcels-arabic-indic",
        HEADER + "A站,面单,١٠٠,15%,,\n",
        ["stations.csv:2:上月实际票数", "(U+0661 ARABIC-INDIC DIGIT ONE) is not a digit"],
    ),
    csv_case(
        "growth-superscript-percent",
        HEADER + "A站,面单,100,1⁵%,,\n",
        ["stations.csv:2:增长率", "'1⁵%' is not a percentage", "(U+2075 SUPERSCRIPT FIVE) is not a digit"],
    ),
    # --- control characters --------------------------------------------------------------------
    csv_case(
        "nul-in-a-text-cell",
        HEADER + "A站,面单,100,15%,200,备\x00货\n",
        ["stations.csv:2:超额理由", "'备\\x00货' holds the control character U+0000 NUL"],
    ),
    csv_case(
        "nul-in-a-key-cell",
        HEADER + "A\x00站,面单,100,15%,,\n",
        ["stations.csv:2:站点", "holds the control character U+0000 NUL", "an identifier or name without control characters"],
    ),
    csv_case(
        "escape-sequence-in-a-cell",
        HEADER + "A站,面单,100,15%,200,\x1b[31m红色\x1b[0m\n",
        ["stations.csv:2:超额理由", "'\\x1b[31m红色\\x1b[0m' holds the control character U+001B escape"],
    ),
    csv_case(
        "separator-control-after-a-number",
        HEADER + "A站,面单,100\x1c,15%,,\n",
        ["stations.csv:2:上月实际票数", "'100\\x1c' holds the control character U+001C"],
    ),
    csv_case(
        "c1-control-in-a-percent",
        HEADER + "A站,面单,100,15%\x85,,\n",
        ["stations.csv:2:增长率", "holds the control character U+0085"],
    ),
    csv_case(
        "key-of-zero-width-characters-only",
        HEADER + "\u200b\u200b,面单,100,15%,,\n",
        ["stations.csv:2:站点", "the cell is blank"],
    ),
    csv_case("only-zero-bytes", b"\x00" * 100, ["stations.csv", "the file holds only zero bytes"]),
    # --- Excel serial dates only from 1950 to 2100 ----------------------------------------------
    offences_case("serial-date-1", "1", ["'1' is not a date", SERIALS, "YYYY-MM-DD"]),
    offences_case("serial-date-60", "60", ["'60' is not a date", SERIALS]),
    offences_case("serial-date-before-1950", "18263", ["'18263' is not a date", SERIALS]),
    offences_case("serial-date-after-2100", "73416", ["'73416' is not a date", SERIALS]),
    offences_case("date-with-superscript", "2024-03-1⁵", ["'⁵' (U+2075 SUPERSCRIPT FIVE) is not a digit"]),
    # --- an explicit encoding that does not fit the file ----------------------------------------
    csv_case(
        "utf-16-named-for-a-utf-8-file",
        GOOD,
        ["stations.csv: not valid UTF-16 at row 1", "try --encoding utf-8, or leave --encoding out"],
        extra=("--encoding", "utf-16"),
    ),
    csv_case(
        "idna-named-for-a-utf-8-file",
        GOOD,
        ["stations.csv: not valid IDNA at row 1", "try --encoding utf-8"],
        extra=("--encoding", "idna"),
    ),
    csv_case("codec-that-encodes-nothing", GOOD, ["unknown encoding 'undefined'"], code=2, extra=("--encoding", "undefined")),
]
