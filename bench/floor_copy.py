"""The floor: copy a CSV file with ``csv.reader`` → ``csv.writer``, no computation.

python bench/floor_copy.py IN.csv OUT.csv
"""

import csv
import sys


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(csv.reader(f))


if __name__ == "__main__":
    main()
