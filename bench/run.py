#!/usr/bin/env python
"""Linli Desk benchmark: every speed figure the issues name, with the floor beside it.

    python bench/run.py [--years 10] [--out docs/benchmarks.md] [--quick]
                        [--db postgresql://USER:PASSWORD@127.0.0.1:PORT/postgres] [--engines sqlite,postgresql]

Builds (or reuses) a 1-month and a 10-year demo store in bench/out/, copies
each to a scratch file so the measured writes never pile up in the store that
is reused next time, then measures on both stores, with time.perf_counter and
the median of many repetitions:

- the program's own work (bookings.book, bookings.on_date, bookings.free,
  scanning.scan, the pass image, the daily sheet PDF, the month heat-map,
  the window start, a day change on the day board, scan to banner, and the
  peak memory of the program on the store), and
- the floor: what plain sqlite3 (or a bare library, or an empty Qt window)
  needs for the same data, so a figure can be judged against what is
  possible here and not against a guess.

Parts whose modules have not landed yet are listed as "not measured yet
(module missing)"; their code is in bench/figures.py, behind import checks, and
starts working when the module lands. See bench/README.md for what each figure means.

With `--db URL` (or `--pg URL`, or LINLI_BENCH_PG) the same stores are copied onto that
PostgreSQL server by copy-store (timed) and every figure is measured there too, over loopback,
its floor taken with the bare driver; `--engines` picks the engines (default: SQLite, and
PostgreSQL when a server is named).

This file is the entry point; bench/harness.py has the stores, the timing and the
window probes, bench/figures.py what each figure measures, bench/report.py the table.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness
from bench.figures import (declare_figures, measure_day_change, measure_domain, measure_gate, measure_heatmap,
                           measure_pass_image, measure_qr_floor, measure_refresh, measure_scan_banner, measure_sheet,
                           measure_window, measure_window_floor)
from bench.harness import (OUT, BuiltStore, Spawner, build_pg_store, build_store, drop_pg_work, guarded, log,
                           pg_settings, remove_db)
from bench.report import write_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=float, default=10.0, help="history of the big store (default 10)")
    parser.add_argument("--out", default="docs/benchmarks.md", help="the Markdown report to write")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--db", "--pg", dest="pg", metavar="URL", default=os.environ.get("LINLI_BENCH_PG"),
                        help="a PostgreSQL server (any database on it; its user may create databases): the "
                             "stores are copied there and measured too")
    parser.add_argument("--engines", default=None,
                        help="sqlite,postgresql (default: sqlite, and postgresql when a server is named)")
    args = parser.parse_args(argv)
    engines = (args.engines or ("sqlite,postgresql" if args.pg else "sqlite")).split(",")
    if "postgresql" in engines and not args.pg:
        parser.error("--engines postgresql needs --db postgresql://... (or --pg, or LINLI_BENCH_PG)")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("LINLI_DATA_DIR", str(OUT / "appdata"))
    # The machine is shared: the stores take turns, pass after pass, so that both meet
    # the same background load and the 10y / 1m ratio compares like with like.
    passes = 1 if args.quick else 3
    reps = 30 if args.quick else 70          # per pass
    slow_reps = 2                             # per pass: sheet, heat-map, window start
    started = datetime.now()
    t0 = time.perf_counter()
    harness.SPAWNER_PROC = Spawner()   # first, while this process is still small (see SPAWNER)
    declare_figures()
    lite = {"1m": build_store("1m", 1 / 12), "10y": build_store("10y", args.years)}
    stores: dict[str, BuiltStore] = dict(lite) if "sqlite" in engines else {}
    args.server = None
    if "postgresql" in engines:
        args.server = pg_settings(args.pg)
        for name, built in lite.items():
            stores[f"{name}-pg"] = build_pg_store(built, args.pg)
    for number in range(passes):
        offset = number * 1000
        for name, built in stores.items():
            log(f"pass {number + 1}/{passes} on the {name} store ({built.info['bookings']:,} bookings)")
            found = guarded("book, on_date, free, scan, floors", "book", measure_domain, built, reps, offset)
            if not found:
                continue
            guarded("qr floor", "floor_qr", measure_qr_floor, found["texts"][:reps], name)
            guarded("pass image", "pass_image", measure_pass_image, built, reps, offset)
            guarded("daily sheet", "sheet", measure_sheet, built, found["days"], slow_reps)
            guarded("heat-map", "heatmap", measure_heatmap, built, slow_reps)
            guarded("day change", "day_change", measure_day_change, built, found["days"], min(reps, 40))
            guarded("scan to banner", "scan_banner", measure_scan_banner, built, min(reps, 40), offset)
            guarded("plate event to reply", "gate", measure_gate, built, min(reps, 40), offset)
            guarded("window start and memory", "window", measure_window, built, slow_reps)
            guarded("live refresh", "refresh", measure_refresh, built, reps)
        guarded("empty window floor", "floor_window", measure_window_floor, slow_reps)
    out = (ROOT / args.out) if not Path(args.out).is_absolute() else Path(args.out)
    text = write_report(out, stores, started, time.perf_counter() - t0, args)
    for built in stores.values():
        if built.engine == "sqlite":
            remove_db(Path(built.work))
        else:
            drop_pg_work(built, args.pg)
    for built in lite.values():
        remove_db(Path(built.work))
    harness.SPAWNER_PROC.close()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
