"""How fast the sample plan is written, against a baseline measured on the same machine.

Usage: ``.venv/bin/python bench/bench_demo.py [--deals N] [--years Y]``

For the default sample and for a large plan (100,000 deals and 10 years unless told
otherwise) it times ``write_sample`` and, as the baseline, the least work any writer of the
same data must do: inserting exactly the same rows into the same schema with plain
``sqlite3`` ``executemany`` in one transaction (same pragmas: WAL, synchronous NORMAL,
foreign keys on). The ratio is the price of generating the data and of SQLAlchemy; absolute
times depend on the machine, so nothing here asserts them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.sample import write_sample

TODAY = dt.date(2026, 11, 23)


def best_of(repeat: int, run: Callable[[int], float]) -> float:
    return min(run(n) for n in range(repeat))


def copy_rows(source: Path, dest: Path) -> tuple[float, int]:
    """Insert every row of ``source`` into a new file with the same schema; (seconds, rows)."""
    src = sqlite3.connect(source)
    schema = [
        sql
        for (sql,) in src.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type = 'index', rowid"
        )
    ]
    tables = [
        name
        for (name,) in src.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"  # parents were created first
        )
    ]
    rows = {table: src.execute(f"SELECT * FROM {table}").fetchall() for table in tables}
    src.close()
    start = time.perf_counter()
    conn = sqlite3.connect(dest, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    for sql in schema:
        conn.execute(sql)
    for table, values in rows.items():
        if values:
            marks = ",".join("?" * len(values[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start, sum(len(values) for values in rows.values())


def measure(folder: Path, label: str, deals: int, years: int, repeat: int) -> None:
    target = folder / f"{label}.smplan"

    def run_sample(n: int) -> float:
        start = time.perf_counter()
        write_sample(target, deals=deals, years=years, today=TODAY, overwrite=True)
        return time.perf_counter() - start

    def run_baseline(n: int) -> float:
        copy = folder / f"{label}-baseline-{n}.smplan"
        seconds, _ = copy_rows(target, copy)
        copy.unlink()
        return seconds

    sample = best_of(repeat, run_sample)
    baseline = best_of(repeat, run_baseline)
    _, rows = copy_rows(target, folder / f"{label}-count.smplan")
    size = target.stat().st_size / 1e6
    name = f"{label} ({deals:,} deals, {years} years)"
    print(
        f"{name:<36} {rows:>10,} {size:>8.1f} MB {sample:>12.2f} s {baseline:>10.2f} s "
        f"{sample / baseline:>7.1f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000, help="deals in the large plan")
    parser.add_argument("--years", type=int, default=10, help="years of history in the large plan")
    args = parser.parse_args(argv)
    print(
        f"write_sample benchmark: Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs"
    )
    print(f"{'plan':<36} {'rows':>10} {'file':>11} {'write_sample':>14} {'baseline':>12} ratio")
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        measure(Path(tmp), "default", 150, 3, repeat=5)
        measure(Path(tmp), "large", args.deals, args.years, repeat=1)
    print(
        "baseline: the same rows inserted into the same schema with plain sqlite3 "
        "executemany, one transaction; ratio = write_sample / baseline"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
