"""A month's payroll files for ``monthly-payroll`` (issue 19), from a fixed seed.

Writes ``staff.csv``, ``events.csv``, ``attendance.csv`` and ``offences.csv`` with Chinese
headers (as HR's exports have them) for May 2024: staff with hire dates (a few hired in
April: probation), score events from the scoring items, leave and lateness on distinct
working days, offences of the office schedule. The same seed gives the same bytes.

``examples/payroll/`` is this script's output for 30 people (plus its .xlsx copies); the
benchmark of issue 19 is 10 000 employees, 1 000 000 events and 200 000 attendance rows::

    python bench/payroll_data.py examples/payroll --employees 30 --events 120 --attendance 40 --offences 12 --xlsx
    python bench/payroll_data.py bench/data/payroll --employees 10000 --events 1000000 --attendance 200000 \
        --offences 20000 --bench bench/data/payroll.xlsx
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

SEED = 19
MONTH = (2024, 5)
#: May 2024's working days in China: the 1st–5th are the Labour Day holiday, Saturday the
#: 11th is worked in exchange.
WORKING_DAYS = [dt.date(2024, 5, d) for d in range(6, 32) if dt.date(2024, 5, d).weekday() < 5 or d == 11]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建华玲燕飞俊峰婷雪琴云帆宇浩然子轩梓涵欣怡"
#: Score items and how often they occur (weights); ranged items carry points, S4 an amount.
ITEMS = [("B3", 8), ("B4", 6), ("L1", 10), ("L2", 10), ("L4", 8), ("L5", 6)]
ITEMS += [("L12", 10), ("M6", 3), ("S4", 1)]
OFFENCES = [("F1", 5), ("F2", 3), ("F5", 4), ("F6", 2)]  # D1 (the discipline ladder) needs an amount at its fine rung


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def staff_rows(rng: random.Random, n: int) -> list[list[str]]:
    rows = []
    for i in range(1, n + 1):
        new = rng.random() < 0.1  # hired last month: on probation
        hired = dt.date(2024, 4, rng.randint(1, 28)) if new else dt.date(2023, rng.randint(1, 12), rng.randint(1, 28))
        role = "组长" if i % 10 == 1 else "客服"
        base = rng.choice(("4200", "4500", "4800", "5000", "5200", "5500", "6000"))
        bonus = rng.choice(("0", "300", "500", "800", "1000"))
        rows.append([f"E{i:05d}", _name(rng), hired.isoformat(), "", role, base, bonus, "上海", ""])
    return rows


def stars(ids: list[str]) -> set[str]:
    """Every seventh person has a clean month (bonus items only, no leave, no offence):
    the ones who may earn R-PN-5's reward."""
    return set(ids[3::7])


def event_rows(rng: random.Random, ids: list[str], n: int) -> list[list[str]]:
    codes, weights = zip(*ITEMS)
    best = stars(ids)
    rows = []
    for person in sorted(best):  # full marks and zero complaints: once a month each
        for code in ("B2", "B5", "B3"):
            rows.append([person, rng.choice(WORKING_DAYS).isoformat(), code, "1", "", "", "", ""])
    others = [i for i in ids if i not in best]
    while len(rows) < n:
        code = rng.choices(codes, weights)[0]
        points = str(-rng.randint(2, 5)) if code == "L4" else ""
        amount = str(rng.choice((80, 120, 260))) if code == "S4" else ""
        reason = "私自带出耳机" if code == "S4" else ""
        rows.append([rng.choice(others), rng.choice(WORKING_DAYS).isoformat(), code, "1", points, "", amount, reason])
    return rows


def attendance_rows(rng: random.Random, ids: list[str], n: int) -> list[list[str]]:
    """At most one row per person and day (leave days do not overlap)."""
    rows: list[list[str]] = []
    used: set[tuple[str, dt.date]] = set()
    best = stars(ids)
    others = [i for i in ids if i not in best]
    per_person = max(1, -(-n // len(others)))
    # a small month spares the clean-month people; a large one needs every day of everyone
    pool = rng.sample(others, min(n, len(others))) if per_person == 1 else others if n <= len(others) * 15 else ids
    n = min(n, len(pool) * len(WORKING_DAYS))
    while len(rows) < n:
        for person in pool:
            if len(rows) >= n:
                break
            free = [d for d in WORKING_DAYS if (person, d) not in used]
            if not free:
                continue
            day = rng.choice(free)
            used.add((person, day))
            kind = rng.choices(("事假", "病假", "旷工", "迟到"), (3, 3, 1, 6))[0]
            if kind == "迟到":
                rows.append([person, day.isoformat(), kind, "", str(rng.randint(3, 19)), "", ""])
            elif kind == "病假":
                rows.append([person, day.isoformat(), kind, "1", "", rng.choice(("是", "否")), ""])
            else:
                rows.append([person, day.isoformat(), kind, rng.choice(("0.5", "1")), "", "", ""])
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def offence_rows(rng: random.Random, staff: list[list[str]], n: int) -> list[list[str]]:
    codes, weights = zip(*OFFENCES)
    best = stars([r[0] for r in staff])
    staff = [r for r in staff if r[0] not in best]
    rows = []
    for _ in range(n):
        person = rng.choice(staff)
        code = rng.choices(codes, weights)[0]
        rows.append([person[0], person[1], rng.choice(WORKING_DAYS).isoformat(), code, "", ""])
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


HEADERS = {
    "staff": ["工号", "姓名", "入职日期", "离职日期", "岗位", "基本工资", "当月奖金", "地区", "应出勤天数"],
    "events": ["工号", "日期", "考核项目", "次数", "分值", "超时分钟", "赔偿金额", "理由"],
    "attendance": ["工号", "日期", "类型", "天数", "分钟数", "有医院证明", "结束日期"],
    "offences": ["工号", "姓名", "日期", "违规项目", "罚款金额", "备注"],
}


def generate(folder: Path, employees: int, events: int, attendance: int, offences: int, *, seed: int = SEED) -> dict[str, Path]:
    """Write the four files into ``folder``; return their paths by input name."""
    rng = random.Random(seed)
    staff = staff_rows(rng, employees)
    ids = [r[0] for r in staff]
    tables = {
        "staff": staff,
        "events": event_rows(rng, ids, events),
        "attendance": attendance_rows(rng, ids, attendance),
        "offences": offence_rows(rng, staff, offences),
    }
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(HEADERS[name])
            writer.writerows(rows)
        out[name] = path
    return out


def to_xlsx(path: Path) -> Path:
    """The same table as an .xlsx with typed cells: numbers as numbers, dates as date cells."""
    import xlsxwriter

    target = path.with_suffix(".xlsx")
    book = xlsxwriter.Workbook(str(target))
    book.set_properties({"created": dt.datetime(2000, 1, 1)})
    sheet = book.add_worksheet(path.stem)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r, row in enumerate(csv.reader(f)):
            for c, cell in enumerate(row):
                if r and len(cell) == 10 and cell[4] == "-" and cell[:4].isdigit():
                    sheet.write_datetime(r, c, dt.datetime.fromisoformat(cell), date_format)
                elif r and cell.lstrip("-").replace(".", "", 1).isdigit() and not cell.startswith("E"):
                    sheet.write_number(r, c, float(cell))
                elif cell:
                    sheet.write_string(r, c, cell)
    book.close()
    return target


FLOOR = """
import csv, sys
for path in sys.argv[1:]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        for _ in csv.reader(f):
            pass
"""


def bench(folder: Path, output: Path, *, period: str = "2024-05") -> None:
    """Time the floor (reading the four files with ``csv.reader``) and ``cspolicy run
    monthly-payroll`` on them, each in a child process; print seconds, the ratio and peak RSS."""
    import resource
    import subprocess
    import sys
    import time

    files = [folder / f"{name}.csv" for name in HEADERS]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR, *map(str, files)], check=True)
    floor = time.perf_counter() - start
    command = [sys.executable, "-m", "cspolicy", "run", "monthly-payroll", *(f"{p.stem}={p}" for p in files)]
    command += ["--period", period, "-o", str(output), "-q"]
    start = time.perf_counter()
    subprocess.run(command, check=True, env={**__import__("os").environ, "CSPOLICY_CACHE": "off"})
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"floor {floor:.1f} s; monthly-payroll {took:.1f} s ({took / floor:.1f}× the floor); peak RSS {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--employees", type=int, default=30)
    parser.add_argument("--events", type=int, default=120)
    parser.add_argument("--attendance", type=int, default=40)
    parser.add_argument("--offences", type=int, default=12)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--xlsx", action="store_true", help="also write each table as an .xlsx")
    parser.add_argument("--bench", metavar="OUTPUT", type=Path, help="then time monthly-payroll writing OUTPUT")
    args = parser.parse_args()
    paths = generate(args.folder, args.employees, args.events, args.attendance, args.offences, seed=args.seed)
    for path in paths.values():
        print(path)
        if args.xlsx:
            print(to_xlsx(path))
    if args.bench is not None:
        bench(args.folder, args.bench)


if __name__ == "__main__":
    main()
