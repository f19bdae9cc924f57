"""How long `import-residents` takes for a register of N residents, on the file and on the server.

    python bench/import_speed.py [--rows 10000] [--runs 3] [--db postgresql://USER:PASSWORD@HOST:PORT/postgres]

Each run imports the same generated file (every row a new resident, a new household for about a
third of them, a plate for every other one) into a fresh, seeded store: a temporary SQLite file, and,
with `--db`, a new database on that server (its user must be allowed to create databases; the
database is dropped afterwards). It prints one line per run and engine: the seconds `imports.apply`
took (the check and the one write transaction, without opening the store). A figure, not a test:
the suite asserts no times (docs/shared-store.md, "Importing residents: in batches", has the figures).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking.ops import setup  # noqa: E402
from booking.people import imports  # noqa: E402
from booking.store import location  # noqa: E402
from booking.store.audit import Actor  # noqa: E402

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")


def register(rows: int) -> str:
    """`rows` residents, as an office's register saved from Excel would hold them."""
    lines = ["姓名,门牌,手机,车牌"]
    for i in range(rows):
        plate = f"川A{i % 100000:05d}" if i % 2 == 0 else ""
        lines.append(f"居民{i},{i % 99 + 1}-{i % 9 + 1}-{i % 32 + 1}{i % 20 + 1:02d},13{i:09d},{plate}")
    return "\n".join(lines) + "\n"


def timed(where: str | Path | location.StoreServer, csv: Path) -> tuple[float, imports.Report]:
    store = setup.open_ready(where, now=NOW)
    try:
        started = time.perf_counter()
        report = imports.apply(store, ADMIN, csv, now=NOW)
        return time.perf_counter() - started, report
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", help="a PostgreSQL server's URL (any database on it) to measure there too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "residents.csv"
        csv.write_text(register(args.rows), encoding="utf-8")
        for run in range(1, args.runs + 1):
            seconds, report = timed(Path(folder) / f"store-{run}.sqlite3", csv)
            print(f"sqlite    run {run}: {args.rows} rows in {seconds:.2f} s "
                  f"({report.added} added, {report.plates} plates)")
            if args.db:
                import psycopg

                name = f"linli_bench_import_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(args.db, autocommit=True) as admin:
                    admin.execute(f'CREATE DATABASE "{name}"')
                try:
                    server = location.parse(args.db.rsplit("/", 1)[0] + f"/{name}")
                    assert isinstance(server, location.StoreServer)
                    seconds, report = timed(server, csv)
                    print(f"postgres  run {run}: {args.rows} rows in {seconds:.2f} s "
                          f"({report.added} added, {report.plates} plates)")
                finally:
                    with psycopg.connect(args.db, autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
