"""The floor: copy CSV files with ``csv.reader`` → ``csv.writer``, no computation.

python bench/floor_copy.py IN.csv OUT.csv [IN2.csv OUT2.csv ...]

A scenario with several inputs (``bench/suite.py``) copies each of them in one process.
"""

import csv
import sys


def main() -> None:
    args = sys.argv[1:]
    if not args or len(args) % 2:
        raise SystemExit("usage: floor_copy.py IN.csv OUT.csv [IN2.csv OUT2.csv ...]")
    for src, dst in zip(args[::2], args[1::2]):
        with open(src, encoding="utf-8", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(csv.reader(f))


if __name__ == "__main__":
    main()
