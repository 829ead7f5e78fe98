"""Importing deals: the planner's CRM import against raw sqlite3 ``executemany`` of the same
rows, measured alternately in the same run.

    .venv/bin/python bench/bench_import.py [--deals 100000] [--runs 3]

The file is a HubSpot-style CSV export of ``--deals`` deals (open, won and lost, four
owners, a lost reason on each lost deal). Each run imports it into a fresh copy of the
same empty plan:
- baseline: Python's csv module reads the file, amounts become cents, and sqlite3 inserts
  every deal and its "created" history row with ``executemany`` in one transaction;
- planner:  ``planner.io.deals_import.import_deals_file`` (what ``app.py import-deals``
  and the import wizard run): format detection, checks, stage and owner mapping, one
  undoable command, the import batch and the remembered mapping.
Figures are medians of ``--runs``; the ratio is planner / baseline.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "Record ID", "Deal Name", "Associated Company", "Deal Stage", "Amount", "Close Date",
    "Create Date", "Deal owner", "Closed Lost Reason",
]  # fmt: skip
OPEN_STAGES = ("Lead", "Qualified", "Proposal", "Negotiation")
OWNERS = ("Anna Berg", "Jonas Weber", "Lea Brandt", "Tom Okafor")
REASONS = ("Price too high", "Chose a competitor", "No budget")


def write_export(path: Path, deals: int) -> None:
    """A CRM export: one deal a line, stages named as the plan names them."""
    rng = random.Random(7)
    start = dt.date(2017, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(1, deals + 1):
            created = start + dt.timedelta(days=rng.randrange(3650))
            close = created + dt.timedelta(days=rng.randrange(10, 120))
            roll = rng.random()
            stage = "Won" if roll < 0.35 else "Lost" if roll < 0.6 else rng.choice(OPEN_STAGES)
            out.writerow([
                n, f"Order {n}", f"Customer {n % 9000} GmbH", stage,
                f"{rng.randrange(100, 900000) / 100:.2f}", close.isoformat(),
                created.isoformat(), rng.choice(OWNERS),
                rng.choice(REASONS) if stage == "Lost" else "",
            ])  # fmt: skip


def raw_import(plan: Path, export: Path) -> None:
    """The least an import can do: read the rows and insert them with executemany."""
    conn = sqlite3.connect(plan, isolation_level=None)
    stages = dict(conn.execute("SELECT name, id FROM stage"))
    reasons = dict(conn.execute("SELECT name, id FROM lost_reason"))
    owners: dict[str, int] = {}
    conn.execute("BEGIN")
    for name in OWNERS:
        owners[name] = (
            conn.execute(
                "INSERT INTO sales_rep (name, active, position) VALUES (?, 1, 0)", (name,)
            ).lastrowid
            or 0
        )
    rows = []
    events = []
    with export.open(newline="", encoding="utf-8") as handle:
        for ref, title, customer, stage, amount, close, created, owner, reason in list(
            csv.reader(handle)
        )[1:]:
            status = "won" if stage == "Won" else "lost" if stage == "Lost" else "open"
            closed = close if status != "open" else None
            rows.append((
                int(ref), customer, title, owners[owner], round(float(amount) * 100),
                stages[stage], created, close, closed, status, reasons.get(reason), "",
                f"hubspot:{ref}",
            ))  # fmt: skip
            events.append((int(ref), created, "created", "", stage))
    conn.executemany(
        "INSERT INTO deal (id, customer, title, owner_id, amount_minor, stage_id, created_on, "
        "expected_close, closed_on, status, lost_reason_id, notes, external_ref) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO deal_event (deal_id, happened_on, kind, old_value, new_value) "
        "VALUES (?, ?, ?, ?, ?)",
        events,
    )
    conn.execute("COMMIT")
    conn.close()


def planner_import(plan_path: Path, export: Path) -> None:
    from planner.db.plan import open_plan
    from planner.io.deals_import import import_deals_file

    with open_plan(plan_path) as plan:
        summary = import_deals_file(plan, export)
    assert summary.new > 0 and not summary.skipped, summary.lines()


def deal_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM deal").fetchone()[0])
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    from planner.db.plan import create_plan

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = folder / "hubspot-deals.csv"
        write_export(export, options.deals)
        empty = folder / "empty.smplan"
        create_plan(empty, "Import bench").close()
        base_s, ours_s = [], []
        for run in range(options.runs):  # alternating, so load on the machine hits both alike
            for name, action, times in (
                ("raw", raw_import, base_s), ("planner", planner_import, ours_s),
            ):  # fmt: skip
                plan = folder / f"{name}-{run}.smplan"
                shutil.copyfile(empty, plan)
                start = time.perf_counter()
                action(plan, export)
                times.append(time.perf_counter() - start)
                assert deal_count(plan) == options.deals, name
                plan.unlink()
    base, ours = statistics.median(base_s), statistics.median(ours_s)
    print(f"import of {options.deals:,} deals (CSV); median of {options.runs} runs, alternating")
    print(f"baseline (csv + sqlite3 executemany): {base:7.2f} s")
    print(f"planner (import_deals_file):          {ours:7.2f} s")
    print(f"ratio planner / baseline:             {ours / base:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
