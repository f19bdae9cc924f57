"""Where a server restore's (and backup's) time goes, stage by stage, as its progress dialog tells them.

    python bench/restore_stages.py --db postgresql://USER:PASSWORD@HOST:PORT/postgres [--years 1] [--runs 2]

Makes a demo store file of `--years` of history (in a temporary folder), copies it onto a new database on
that server (`copy-store`; its user must be allowed to create databases; dropped afterwards), backs the
server store up (`backup_server`) and restores that backup over it (`restore_server`), each `--runs`
times, with a progress callback that notes when each stage (outcomes.Stage) began. Prints the seconds
of each stage and the whole. A figure, not a test (docs/shared-store.md, "6. Backups", has the figures).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from booking.ops import demo, serverbackup, serverrestore, setup  # noqa: E402
from booking.ops.outcomes import Stage  # noqa: E402
from booking.store import location  # noqa: E402
from booking.store.audit import Actor  # noqa: E402

NOW = datetime(2026, 11, 24, 10, 0)
ADMIN = Actor("管理员甲", "admin")


class Stopwatch:
    """The seconds from each stage's first report to the next stage's (the last: to `end`)."""

    def __init__(self) -> None:
        self.began: list[tuple[str, float]] = []
        self.tables: list[tuple[str, str, float]] = []  # (stage, table, when it began)
        self.started = time.perf_counter()

    def told(self) -> Callable[[Stage], None]:
        def note(stage: Stage) -> None:
            now = time.perf_counter()
            if not self.began or self.began[-1][0] != stage.stage:
                self.began.append((stage.stage, now))
            self.tables.append((stage.stage, stage.table, now))
        return note

    def slowest(self, count: int = 3) -> str:
        """The tables that took longest, each in its stage (up to the next table's report)."""
        ends = [at for _, _, at in self.tables[1:]] + [time.perf_counter()]
        spans = sorted(((end - at, stage, table) for (stage, table, at), end in zip(self.tables, ends, strict=True)
                        if table), reverse=True)[:count]
        return ", ".join(f"{stage} {table} {seconds:.2f} s" for seconds, stage, table in spans)

    def line(self) -> str:
        ended = time.perf_counter()
        marks = [("start", self.started), *self.began, ("end", ended)]
        parts = [f"{name} {nxt - at:.2f} s" for (name, at), (_, nxt) in zip(marks[1:-1], marks[2:], strict=True)]
        first = self.began[0][1] - self.started if self.began else 0.0
        return f"{ended - self.started:.2f} s in all (before the first stage {first:.2f} s; " + ", ".join(parts) + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL server's URL (any database on it)")
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    import psycopg

    from booking.store.postgres import copy

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "demo.sqlite3"
        store = setup.open_ready(source, now=NOW)
        try:
            filled = demo.fill(store, years=args.years, now=NOW)
        finally:
            store.close()
        print(f"demo store: {args.years:g} years, {filled.get('bookings')} bookings")
        name = f"linli_bench_restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.db, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            server = location.parse(args.db.rsplit("/", 1)[0] + f"/{name}")
            assert isinstance(server, location.StoreServer)
            copied = copy.copy_file_to(source, server, None, NOW)
            print(f"copied onto the server: {copied['rows']} rows")
            opened = setup.open_ready(server, now=NOW)
            try:
                for run in range(1, args.runs + 1):
                    watch = Stopwatch()
                    made = Path(folder) / f"backup-{run}.sqlite3"
                    serverbackup.backup_server(opened, made, watch.told())
                    print(f"backup  run {run}: {watch.line()}")
                    print(f"  slowest tables: {watch.slowest()}")
                    watch = Stopwatch()
                    serverrestore.restore_server(made, opened, NOW, actor=ADMIN, folder=Path(folder),
                                                 progress=watch.told())
                    print(f"restore run {run}: {watch.line()}")
                    print(f"  slowest tables: {watch.slowest()}")
            finally:
                opened.close()
        finally:
            with psycopg.connect(args.db, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
