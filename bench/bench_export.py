"""Excel export speed against openpyxl's own write-only speed for the same cells.

    .venv/bin/python bench/bench_export.py [--deals 100000] [--years 10] [--plan PATH]

Builds the sample plan with ``--deals`` deals and ``--years`` of history (or uses
``--plan``), exports its current fiscal year, then writes the very same cells (values and
formula texts, read back from the export) with a bare openpyxl write-only workbook: no
styles, widths, charts or print setup. The ratio export / bare write is what to watch; it
is measured in the same run, so it stays comparable on a shared, noisy machine.
Reading the plan (the queries) is timed apart: it is not spreadsheet work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 11, 23)


def build(folder: Path, deals: int, years: int) -> Path:
    from planner.sample import write_sample

    path = folder / f"bench-{deals}.smplan"
    started = time.perf_counter()
    write_sample(path, deals=deals, years=years, today=TODAY)
    print(f"sample plan with {deals:,} deals built in {time.perf_counter() - started:.1f} s")
    return path


def same_cells(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every sheet's rows as plain values (formulas as their text), from the export."""
    import openpyxl  # type: ignore[import-untyped]

    book = openpyxl.load_workbook(path, read_only=True)
    sheets = [(s.title, [tuple(r) for r in s.iter_rows(values_only=True)]) for s in book]
    book.close()
    return sheets


def bare_write(sheets: list[tuple[str, list[tuple[Any, ...]]]], dest: Path) -> float:
    from openpyxl import Workbook

    started = time.perf_counter()
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(dest)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--plan", type=Path, help="an existing plan instead of building one")
    args = parser.parse_args()

    from planner.db.plan import open_plan
    from planner.io.excel_export import read_data, write_workbook

    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        folder = Path(scratch)
        path = args.plan or build(folder, args.deals, args.years)
        with open_plan(path) as plan:
            started = time.perf_counter()
            data = read_data(plan, today=TODAY)
            reading = time.perf_counter() - started
        out = folder / "export.xlsx"
        started = time.perf_counter()
        write_workbook(data, out)
        writing = time.perf_counter() - started
        sheets = same_cells(out)
        cells = sum(sum(v is not None for v in row) for _t, rows in sheets for row in rows)
        bare = bare_write(sheets, folder / "bare.xlsx")
    print(f"{len(data.deals):,} deals, {cells:,} cells")
    print(f"reading the plan (queries):      {reading:6.2f} s")
    print(f"writing the workbook (export):   {writing:6.2f} s")
    print(f"openpyxl write-only, same cells: {bare:6.2f} s")
    print(f"ratio export / write-only:       {writing / bare:6.2f}")
    print(f"ratio (read + export) / write-only: {(reading + writing) / bare:6.2f}")


if __name__ == "__main__":
    main()
