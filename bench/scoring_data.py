"""Generate fixed-seed benchmark data for the ``cs-scoring`` policy (standard library only).

Two files in DIR, UTF-8 without a BOM, with the Chinese headers clerks use:

* ``staff.csv`` — ``工号,姓名,入职日期,离职日期,岗位``: E00001.. with one leader (组长) in 12
  and the rest agents (客服); hire dates 2019-01-01..2024-05-31 (so some are in probation in
  May 2024), a leave date on about 3 % (some before May, so they are scored in April only).
* ``events.csv`` — ``工号,日期,考核项目,次数,分值,超时分钟,赔偿金额,理由``: April and May 2024,
  every item kind: bonuses (B1–B6, the once-a-month ones given at most once to an employee
  so that no warning floods the run), light (fixed and ranged, with points in range or
  blank), medium, severe (S4 with an amount), D items (rare), INC with minutes 0–60 and ADJ
  (leaders only, at most once a month, −5..5 with a reason); items written as codes or as their Chinese names.
  Events fall in each employee's months of employment.

Every run with the same arguments writes byte-identical files (``random.Random(20261129)``).

Usage::

    python bench/scoring_data.py DIR                       # 10 000 staff, 1 000 000 events
    python bench/scoring_data.py DIR --staff 1000 --events 100000
    cspolicy run cs-scoring staff=DIR/staff.csv events=DIR/events.csv --period 2024-05 -o OUT/
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random

SEED = 20261129
APRIL, MAY = dt.date(2024, 4, 1), dt.date(2024, 5, 1)
END = dt.date(2024, 5, 31)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞婷雪琳晨"
#: (item as written, weight, points cell choices); Chinese names stand for their codes.
ITEMS: list[tuple[str, int, tuple[str, ...]]] = [
    ("B3", 40, ("",)),
    ("B4", 40, ("",)),
    ("B6", 10, ("",)),
    ("主动顶班", 10, ("",)),
    ("L1", 60, ("",)),
    ("L2", 40, ("",)),
    ("L3", 30, ("",)),
    ("L4", 80, ("", "-2", "-3", "-5")),
    ("迟到早退", 30, ("", "-4")),
    ("L5", 30, ("",)),
    ("L6", 30, ("",)),
    ("L7", 20, ("",)),
    ("L8", 30, ("", "-2", "-4")),
    ("L9", 40, ("", "-1", "-2")),
    ("L10", 20, ("",)),
    ("L11", 10, ("",)),
    ("L12", 40, ("",)),
    ("L13", 30, ("", "-2", "-5")),
    ("M1", 6, ("",)),
    ("M2", 4, ("",)),
    ("M3", 4, ("",)),
    ("M4", 4, ("",)),
    ("M5", 4, ("",)),
    ("M6", 6, ("",)),
    ("M7", 4, ("",)),
    ("S1", 2, ("",)),
    ("S2", 2, ("",)),
    ("S3", 1, ("",)),
    ("D1", 1, ("",)),
    ("INC", 20, ("",)),
]
ONCE = ("B1", "B2", "B5")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--staff", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    args = ap.parse_args()
    rnd = random.Random(SEED)
    os.makedirs(args.dir, exist_ok=True)
    people = []
    with open(os.path.join(args.dir, "staff.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["工号", "姓名", "入职日期", "离职日期", "岗位"])
        for i in range(1, args.staff + 1):
            hired = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange((END - dt.date(2019, 1, 1)).days + 1))
            left = None
            if rnd.random() < 0.03:
                left = max(hired, APRIL) + dt.timedelta(days=rnd.randrange(45))
                left = min(left, END)
            leader = i % 12 == 0
            eid = f"E{i:05d}"
            name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
            w.writerow([eid, name, hired.isoformat(), left.isoformat() if left else "", "组长" if leader else "客服"])
            first = max(hired, APRIL)
            last = min(left, END) if left else END
            if first <= last:
                people.append((eid, leader, first, (last - first).days + 1))
    items = [x[0] for x in ITEMS]
    weights = [x[1] for x in ITEMS]
    points = {x[0]: x[2] for x in ITEMS}
    given_once: set[tuple[str, str, int]] = set()
    with open(os.path.join(args.dir, "events.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["工号", "日期", "考核项目", "次数", "分值", "超时分钟", "赔偿金额", "理由"])
        for _ in range(args.events):
            eid, leader, first, days = rnd.choice(people)
            day = first + dt.timedelta(days=rnd.randrange(days))
            roll = rnd.random()
            if leader and roll < 0.02 and (eid, "ADJ", day.month) not in given_once:
                given_once.add((eid, "ADJ", day.month))
                w.writerow([eid, day.isoformat(), "ADJ", "", str(rnd.randint(-5, 5)), "", "", "培训师评定"])
                continue
            if roll < 0.03:
                item = rnd.choice(ONCE)
                if (eid, item, day.month) not in given_once:
                    given_once.add((eid, item, day.month))
                    w.writerow([eid, day.isoformat(), item, "", "", "", "", ""])
                    continue
            if roll < 0.031:
                w.writerow([eid, day.isoformat(), "S4", "", "", "", str(rnd.randint(50, 900)), "设备"])
                continue
            item = rnd.choices(items, weights)[0]
            count = "2" if rnd.random() < 0.05 else ""
            minutes = f"{rnd.randint(0, 60)}" if item == "INC" else ""
            w.writerow([eid, day.isoformat(), item, count, rnd.choice(points[item]), minutes, "", ""])


if __name__ == "__main__":
    main()
