"""The yardstick: a plain hand-written Decimal script computing materials-order's ``orders``.

    python bench/handwritten.py STATIONS.csv ORDERS.csv [LOSS]

What a careful programmer would write without cspolicy (the same rules, R-MT-1..3):

* monthly = ceil(parcels × (1 + growth + loss)); weekly and half-week are the same exact
  product ÷ 4 and ÷ 8, each rounded up once (loss is 7 %, as the policy's parameter);
* approved = requested if present and (requested ≤ weekly or a reason is given) else weekly;
* status = ``ok`` if nothing or at most the weekly quantity is requested, else
  ``over_limit_with_reason`` with a reason, else ``cut_to_formula``.

Growth is read as ``15%`` or ``0.15``. ``csv.reader`` with a header → index map (Chinese or
English headers), exact ``decimal.Decimal`` arithmetic, ``csv.writer`` out. No validation
beyond what the arithmetic needs: this is the speed yardstick, not a product.
"""

import csv
import decimal
import sys
from decimal import ROUND_CEILING, Decimal

HEADERS = {
    "station": ("站点", "station"),
    "material": ("物料", "material"),
    "parcels": ("上月实际票数", "票数", "parcels"),
    "growth": ("增长率", "growth"),
    "requested": ("申请数量", "requested"),
    "reason": ("超额理由", "reason"),
}
OUT = [
    "station",
    "material",
    "parcels",
    "growth",
    "monthly_qty",
    "weekly_qty",
    "half_week_qty",
    "requested",
    "approved_qty",
    "status",
]


def main() -> None:
    src, dst = sys.argv[1], sys.argv[2]
    loss = Decimal(sys.argv[3]) if len(sys.argv) > 3 else Decimal("0.07")
    decimal.setcontext(decimal.Context(prec=50, traps=[decimal.InvalidOperation, decimal.DivisionByZero]))
    one_plus_loss = 1 + loss
    four, eight = Decimal(4), Decimal(8)
    with open(src, encoding="utf-8-sig", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as out:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        idx = {}
        for name, aliases in HEADERS.items():
            idx[name] = next(header.index(a) for a in aliases if a in header)
        i_st, i_ma, i_pa, i_gr, i_rq, i_re = (idx[n] for n in HEADERS)
        writer = csv.writer(out)
        writer.writerow(OUT)
        write = writer.writerow
        for cells in reader:
            parcels = Decimal(cells[i_pa])
            g = cells[i_gr].strip()
            growth = Decimal(g[:-1]).scaleb(-2) if g.endswith("%") else Decimal(g)
            exact = parcels * (one_plus_loss + growth)
            monthly = exact.to_integral_value(ROUND_CEILING)
            weekly = (exact / four).to_integral_value(ROUND_CEILING)
            half = (exact / eight).to_integral_value(ROUND_CEILING)
            rq = cells[i_rq].strip()
            if rq:
                requested = Decimal(rq)
                if requested <= weekly:
                    approved, status = requested, "ok"
                elif cells[i_re].strip():
                    approved, status = requested, "over_limit_with_reason"
                else:
                    approved, status = weekly, "cut_to_formula"
            else:
                approved, status = weekly, "ok"
            write((cells[i_st].strip(), cells[i_ma].strip(), parcels, growth, monthly, weekly, half, rq, approved, status))


if __name__ == "__main__":
    main()
