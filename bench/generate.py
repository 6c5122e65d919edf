"""Generate fixed-seed benchmark data for cspolicy (standard library only).

Two files, both UTF-8 without a BOM, ``\\r\\n`` line ends (what ``csv.writer`` writes):

* **stations** for the ``materials-order`` policy, with the Chinese headers clerks use::

      站点,物料,上月实际票数,增长率,申请数量,超额理由
      S0001站,面单,31871,0.12,,
      S0001站,包装袋,4410,-3%,1200,

  one row per station and material (``S0001站``, ``S0002站``, … × 面单 包装袋 胶带 纸箱, so
  the key station/material is unique); parcels 0..50 000 (about 2 % zero); growth
  −20 %..40 % in whole or half percents, written as ``15%`` or ``0.15`` at random; the
  requested quantity blank on about 60 % of rows, else 60–160 % of the weekly formula;
  a reason (超额理由) on about 40 % of the rows that request something, a few of them
  with a comma (so the CSV quotes them).

* **offences** for the penalties policies: ``工号,姓名,日期,违规,金额,备注``, employee ids
  E00001..E20000 with a fixed name each, dates across 2024 in date order (mostly ISO,
  some ``2024/3/5``), offence codes from ``--codes``; the amount is blank except on about
  half the rows of the ``--amount-codes`` (fines chosen within a range), given as 100..500.

Every run with the same arguments writes byte-identical files (``random.Random(20261124)``).

Usage::

    python bench/generate.py                      # bench/data/stations-v1-1000000.csv
    python bench/generate.py --rows 100000
    python bench/generate.py --offences 1000000 --codes G1,C1,C2 --amount-codes C8,C9
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
from collections.abc import Sequence

SEED = 20261124
HERE = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(HERE, "data")

STATION_HEADERS = ["站点", "物料", "上月实际票数", "增长率", "申请数量", "超额理由"]
MATERIALS = ["面单", "包装袋", "胶带", "纸箱"]
REASONS = [
    "双十一活动备货",
    "新增大客户",
    "季节性高峰",
    "上月缺货补库",
    "新开网点",
    "促销活动, 预计票量翻倍",  # a comma: the CSV quotes this cell
    "仓库搬迁",
    "电商平台大促",
]

OFFENCE_HEADERS = ["工号", "姓名", "日期", "违规", "金额", "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建国志斌宇浩然晨曦雪梅"
NOTES = ["经理口头确认", "客人投诉", "监控记录", "补记", "第二次提醒", "已签字"]
EMPLOYEES = 20000


#: Part of the file names: bump it when the data this script writes changes, so that files
#: cached in bench/data/ by an older version are not reused.
VERSION = 1


def stations_path(rows: int, directory: str = DATA_DIR) -> str:
    return os.path.join(directory, f"stations-v{VERSION}-{rows}.csv")


def offences_path(rows: int, codes: Sequence[str], amount_codes: Sequence[str] = (), directory: str = DATA_DIR) -> str:
    tag = f"{len(codes)}codes-{hash_codes([*codes, '|', *amount_codes]):08x}"
    return os.path.join(directory, f"offences-v{VERSION}-{rows}-{tag}.csv")


def hash_codes(codes: Sequence[str]) -> int:
    """A stable (not ``hash()``-randomised) 32-bit tag for a list of codes."""
    h = 2166136261
    for ch in ",".join(codes).encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


def _write_atomically(path: str, headers: list[str], rows: object) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(headers)
            w.writerows(rows)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def station_rows(n: int, rng: random.Random):  # noqa: ANN201 - a generator of lists
    """The ``n`` station rows (a generator, so memory stays flat)."""
    nmat = len(MATERIALS)
    for i in range(n):
        station = f"S{i // nmat + 1:04d}站"
        material = MATERIALS[i % nmat]
        parcels = 0 if rng.random() < 0.02 else rng.randint(1, 50000)
        half_points = rng.randint(-40, 80)  # growth in half percents: -20 % .. 40 %
        if half_points % 2:
            pct = f"{half_points // 2}.5" if half_points > 0 else f"-{(-half_points) // 2}.5"
        else:
            pct = str(half_points // 2)
        if rng.random() < 0.5:
            growth = pct + "%"
        else:  # the same figure as a fraction: 15 → 0.15, -2.5 → -0.025, 0 → 0
            growth = _fraction_text(half_points)
        if rng.random() < 0.6:
            requested, reason = "", ""
        else:
            weekly = parcels * (200 + half_points + 14) // 800  # about the weekly formula
            requested = str(int(weekly * rng.uniform(0.6, 1.6)))
            reason = rng.choice(REASONS) if rng.random() < 0.4 else ""
        yield [station, material, str(parcels), growth, requested, reason]


def _fraction_text(half_points: int) -> str:
    """``half_points`` / 200 as a plain decimal fraction (30 → '0.15', -5 → '-0.025')."""
    if half_points == 0:
        return "0"
    sign = "-" if half_points < 0 else ""
    thousandths = abs(half_points) * 5  # 1 half percent = 0.005
    text = f"{thousandths // 1000}.{thousandths % 1000:03d}".rstrip("0")
    return sign + text


def offence_rows(n: int, codes: Sequence[str], amount_codes: Sequence[str], rng: random.Random):  # noqa: ANN201
    """The ``n`` offence rows, in date order across 2024."""
    names = [rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) for _ in range(EMPLOYEES)]
    ranged = set(amount_codes)
    start = dt.date(2024, 1, 1)
    days = 366
    for i in range(n):
        day = start + dt.timedelta(days=i * days // n)
        emp = rng.randrange(EMPLOYEES)
        code = rng.choice(codes)
        amount = str(rng.randrange(100, 501, 10)) if code in ranged and rng.random() < 0.5 else ""
        note = rng.choice(NOTES) if rng.random() < 0.15 else ""
        date = f"{day.year}/{day.month}/{day.day}" if rng.random() < 0.1 else day.isoformat()
        yield [f"E{emp + 1:05d}", names[emp], date, code, amount, note]


def generate_stations(rows: int, path: str | None = None, *, force: bool = False) -> str:
    """Write (or reuse) the stations file of ``rows`` rows; returns its path."""
    path = path or stations_path(rows)
    if force or not os.path.exists(path):
        _write_atomically(path, STATION_HEADERS, station_rows(rows, random.Random(SEED)))
    return path


def generate_offences(
    rows: int, codes: Sequence[str], amount_codes: Sequence[str] = (), path: str | None = None, *, force: bool = False
) -> str:
    """Write (or reuse) the offences file of ``rows`` rows; returns its path."""
    path = path or offences_path(rows, codes, amount_codes)
    if force or not os.path.exists(path):
        _write_atomically(path, OFFENCE_HEADERS, offence_rows(rows, codes, amount_codes, random.Random(SEED)))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=None, help="station rows (default 1000000 unless only --offences)")
    ap.add_argument("--offences", type=int, default=None, metavar="N", help="also write N offence rows")
    ap.add_argument("--codes", default="G1,G2,G3", help="offence codes, comma-separated (default G1,G2,G3)")
    ap.add_argument("--amount-codes", default="", help="codes whose rows sometimes carry an amount (100..500)")
    ap.add_argument("-o", "--out", default=None, help="output file (one kind only) instead of bench/data/…")
    ap.add_argument("--force", action="store_true", help="rewrite even if the file exists")
    args = ap.parse_args(argv)
    rows = args.rows if args.rows is not None else (None if args.offences is not None else 1_000_000)
    if args.out and rows is not None and args.offences is not None:
        ap.error("-o names one file: give --rows or --offences, not both")
    codes = [c.strip() for c in args.codes.split(",") if c.strip()]
    amount_codes = [c.strip() for c in args.amount_codes.split(",") if c.strip()]
    if not codes:
        ap.error("--codes needs at least one code")
    if rows is not None:
        print(generate_stations(rows, args.out, force=args.force or bool(args.out)))
    if args.offences is not None:
        print(generate_offences(args.offences, codes, amount_codes, args.out, force=args.force or bool(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
