"""Importing actual sales from a shop, till or accounting export (CSV or .xlsx).

Three steps, shared by the wizard and ``app.py import-actuals``:

1. ``detect_mapping(table)`` guesses which column holds the date, the amount (or a
   quantity and a unit price) and, optionally, the product, from English and German header
   names and from the values; and how dates and numbers are written.
2. ``prepare(table, mapping, ...)`` reads every line: order lines are summed per month and
   offering (returns, negative quantities or amounts, are netted), lines imported before
   are left out, and every line that cannot be read is reported with its line number.
3. ``ImportPreview.command(...)`` gives the one undo step that adds the sums and records
   the batch, its lines and the mapping (planner.services.actuals.ImportActuals).

All or nothing: a preview with problems imports nothing unless ``skip_bad`` is given.

Step 1 (the mapping and its detection) lives in ``actuals_mapping.py``; its names stay
importable from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from planner.db.models import Offering
from planner.db.plan import Plan
from planner.domain.money import format_money, from_minor, to_minor
from planner.domain.periods import Month
from planner.io.actuals_mapping import (
    ROLES,
    SYNONYMS,
    ActualsMapping,
    Detection,
    detect_mapping,
    match_offerings,
)
from planner.io.tabular import ImportProgress, SourceTable, read_table, report
from planner.io.values import (
    MAX_AMOUNT,
    DateOrder,
    default_date_order,
    header_signature,
    line_key,
    parse_amount,
    parse_date,
)
from planner.services.actuals import (
    ImportActuals,
    MonthTotals,
    locked_through,
    remembered_mapping,
    seen_line_keys,
)
from planner.services.commands import execute

__all__ = [
    "KIND",
    "ROLES",
    "SYNONYMS",
    "ActualsMapping",
    "Detection",
    "ImportPreview",
    "ImportRefused",
    "LineProblem",
    "LoadedFile",
    "MonthSummary",
    "detect_mapping",
    "distinct_products",
    "file_sha256",
    "import_file",
    "line_keys",
    "load_file",
    "match_offerings",
    "prepare",
]

KIND = "actuals"
_MAX_QUANTITY = Decimal(10) ** 9
_MAX_TOTAL_MINOR = 10**15  # a month's sum, as services.edit.money allows for one figure


@dataclass(frozen=True)
class LineProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class MonthSummary:
    month: Month
    revenue: Decimal
    units: int | None
    lines: int


@dataclass
class ImportPreview:
    """What an import would do: sums per month and offering, and what it leaves out."""

    file_name: str
    totals: dict[tuple[Month, int | None], MonthTotals]
    months: list[MonthSummary]
    line_keys: list[str]
    problems: list[LineProblem]
    already_imported: int
    unmatched: dict[str, int]  # product text not matched to an offering -> lines
    signature: str = ""
    mapping_json: str = ""
    file_sha256: str = ""

    @property
    def lines_used(self) -> int:
        return len(self.line_keys)

    @property
    def total(self) -> Decimal:
        return sum((m.revenue for m in self.months), Decimal("0.00"))

    def command(self, today: dt.date, *, skip_bad: bool = False) -> ImportActuals:
        """The one undo step importing this preview (raise if problems and not skip_bad)."""
        if self.problems and not skip_bad:
            raise ImportRefused(self)
        return ImportActuals(
            label=f"Import Actual Sales from {self.file_name}",
            totals=self.totals,
            file_name=self.file_name,
            file_sha256=self.file_sha256,
            imported_on=today,
            line_keys=list(self.line_keys),
            rows_skipped=len(self.problems) + self.already_imported,
            mapping=(self.signature, self.mapping_json) if self.signature else None,
        )

    def summary_lines(self, currency: str, *, limit: int = 20) -> list[str]:
        """The summary in plain sentences, one per list item (for the CLI and the wizard)."""
        out: list[str] = []
        if self.months:
            out.append(
                f"{self.lines_used:,} line{'s' if self.lines_used != 1 else ''} of "
                f"{self.file_name} add {format_money(self.total, currency)} of sales:"
            )
            for m in self.months:
                units = "" if m.units is None else f", {m.units:,} units"
                out.append(
                    f"  {m.month.name} {m.month.year}: {format_money(m.revenue, currency)}"
                    f"{units} ({m.lines:,} line{'s' if m.lines != 1 else ''})"
                )
        else:
            out.append(f"No new sales to import from {self.file_name}.")
        if self.already_imported:
            seen = self.already_imported
            out.append(
                f"{seen:,} line{'s were' if seen != 1 else ' was'} imported before and will "
                "not be counted again."
            )
        for text, count in sorted(self.unmatched.items()):
            out.append(
                f"'{text}' ({count} line{'s' if count != 1 else ''}) matches no offering: "
                "counted as not assigned to an offering."
            )
        if self.problems:
            out.append(f"{len(self.problems):,} line{'s' if len(self.problems) != 1 else ''} "
                       "could not be read:")  # fmt: skip
            out.extend(f"  {p}" for p in self.problems[:limit])
            if len(self.problems) > limit:
                out.append(f"  … and {len(self.problems) - limit} more.")
        return out


class ImportRefused(Exception):
    """Some lines cannot be read and skipping them was not asked for: nothing imported."""

    def __init__(self, preview: ImportPreview) -> None:
        count = len(preview.problems)
        super().__init__(
            f"Nothing was imported: {count} line{'s' if count != 1 else ''} of "
            f"{preview.file_name} could not be read (first: {preview.problems[0]})."
        )
        self.preview = preview


def _amount(cells: list[str], mapping: ActualsMapping) -> tuple[Decimal, int | None]:
    """Revenue and units of one line; raises ValueError with the reason."""
    mark = mapping.decimal_mark
    quantity: Decimal | None = None
    if mapping.quantity is not None:
        text = cells[mapping.quantity]
        quantity = parse_amount(text, mark) if text.strip() else None
    if mapping.amount is not None:
        text = cells[mapping.amount]
        if not text.strip():
            raise ValueError("the amount is blank")
        amount = parse_amount(text, mark)
        if quantity is not None and quantity < 0 < amount:
            amount = -amount  # a return written as a negative quantity and a positive total
    else:
        assert mapping.price is not None
        if quantity is None:
            raise ValueError("the quantity is blank")
        text = cells[mapping.price]
        if not text.strip():
            raise ValueError("the price is blank")
        amount = quantity * parse_amount(text, mark)
    if abs(amount) > MAX_AMOUNT:
        raise ValueError("the amount is too large")
    units = None
    if quantity is not None:
        if abs(quantity) >= _MAX_QUANTITY:
            raise ValueError("the quantity is too large")
        units = int(quantity.to_integral_value(rounding=ROUND_HALF_UP))
    return amount, units


def distinct_products(table: SourceTable, mapping: ActualsMapping) -> list[str]:
    """Every distinct non-blank product text of the offering column, in first-seen order."""
    if mapping.offering is None:
        return []
    return list(dict.fromkeys(c for c in table.column(mapping.offering) if c.strip()))


def prepare(
    table: SourceTable,
    mapping: ActualsMapping,
    *,
    file_name: str,
    offerings: Mapping[int, str],
    offering_map: Mapping[str, int | None] | None = None,
    seen: Iterable[str] = (),
    locked_through: Month | None = None,
    file_sha256: str = "",
    progress: ImportProgress | None = None,
    keys: list[str] | None = None,
) -> ImportPreview:
    """Read every line of ``table`` with ``mapping`` into an ``ImportPreview``.

    ``offering_map`` maps product texts to an offering id or None (not assigned) and wins
    over name matching; ``seen`` are line keys imported before (left out); ``keys`` are
    ``line_keys(table)`` if the caller has them. ``progress(lines read, lines in all)``
    hears how far it is; returning False raises ``ImportCancelled``.
    """
    if (reason := mapping.problem()) is not None:
        raise ValueError(reason)
    chosen: dict[str, int | None] = dict(
        match_offerings(distinct_products(table, mapping), offerings)
    )
    chosen.update(offering_map or {})
    seen_keys = set(seen)
    sums: dict[tuple[Month, int | None], list[int]] = defaultdict(lambda: [0, 0, 0])
    has_units = mapping.quantity is not None
    month_lines: Counter[Month] = Counter()
    used: list[str] = []
    problems: list[LineProblem] = []
    unmatched: Counter[str] = Counter()
    already = 0
    total_lines = len(table.rows)
    all_keys = keys if keys is not None else line_keys(table)
    for number, (row, key) in enumerate(zip(table.rows, all_keys, strict=True)):
        if number % 2000 == 0:
            report(progress, number, total_lines)
        cells = row.cells
        assert mapping.date is not None
        try:
            day = parse_date(cells[mapping.date], mapping.date_order)
            amount, units = _amount(cells, mapping)
        except ValueError as exc:
            problems.append(LineProblem(row.line, str(exc)))
            continue
        month = Month.of(day)
        if locked_through is not None and month <= locked_through:
            problems.append(LineProblem(row.line, f"{month.name} {month.year} is locked"))
            continue
        if key in seen_keys:
            already += 1
            continue
        product = cells[mapping.offering].strip() if mapping.offering is not None else ""
        offering_id = chosen.get(product) if product else None
        if product and product not in chosen:
            unmatched[product] += 1
        total = sums[(month, offering_id)]
        if abs(total[0] + to_minor(amount)) >= _MAX_TOTAL_MINOR:
            # Summing on could overflow the database's integers: refuse the line instead.
            too_high = f"the sales of {month.name} {month.year} add up to more than a plan holds"
            problems.append(LineProblem(row.line, too_high))
            continue
        total[0] += to_minor(amount)
        total[1] += units or 0
        month_lines[month] += 1
        used.append(key)
    report(progress, total_lines, total_lines)
    totals = {
        k: MonthTotals(v[0], v[1] if has_units else None)
        for k, v in sorted(sums.items(), key=_order)
    }
    by_month: dict[Month, list[int]] = defaultdict(lambda: [0, 0])
    for (month, _oid), t in totals.items():
        by_month[month][0] += t.revenue_minor
        by_month[month][1] += t.units or 0
    months = [
        MonthSummary(m, from_minor(v[0]), v[1] if has_units else None, month_lines[m])
        for m, v in sorted(by_month.items())
    ]
    remember = mapping.to_json(table.headers, offering_map)
    return ImportPreview(file_name, totals, months, used, problems, already, dict(unmatched),
                         header_signature(table.headers), remember, file_sha256)  # fmt: skip


def _order(item: tuple[tuple[Month, int | None], list[int]]) -> tuple[Month, int]:
    (month, oid), _ = item
    return (month, -1 if oid is None else oid)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class LoadedFile:
    """A file read and detected against a plan, ready for ``preview``."""

    path: Path
    table: SourceTable
    detection: Detection
    remembered: bool  # the mapping came from an earlier import of a file of this shape
    offerings: dict[int, str]
    sha256: str
    products: dict[str, int | None]  # remembered offering of each product text

    def preview(
        self,
        plan: Plan,
        mapping: ActualsMapping | None = None,
        offering_map: Mapping[str, int | None] | None = None,
        progress: ImportProgress | None = None,
    ) -> ImportPreview:
        """What importing with ``mapping`` (default: the detected one) would do now;
        ``progress`` as for ``prepare`` (False cancels)."""
        mapping = mapping or self.detection.mapping
        offering_map = {**self.products, **(offering_map or {})}
        keys = line_keys(self.table)
        report(progress, 0, len(keys))
        with plan.uow() as uow:
            last = locked_through(uow)
            seen = seen_line_keys(uow, keys)
        return prepare(self.table, mapping, file_name=self.path.name, offerings=self.offerings,
                       offering_map=offering_map, seen=seen, locked_through=last,
                       file_sha256=self.sha256, progress=progress, keys=keys)  # fmt: skip


def line_keys(table: SourceTable) -> list[str]:
    """The key of each row of ``table`` (see ``values.line_key``). Identical lines within
    one file are distinct sales, so repeats get their number in the key."""
    counts: Counter[str] = Counter()
    keys: list[str] = []
    for row in table.rows:
        key = line_key(KIND, row.cells)
        counts[key] += 1
        keys.append(key if counts[key] == 1 else line_key(KIND, [*row.cells, f"#{counts[key]}"]))
    return keys


def load_file(plan: Plan, path: str | Path, date_order: DateOrder | None = None) -> LoadedFile:
    """Read ``path`` and detect its mapping (a remembered one for files of the same shape
    wins); ``date_order`` overrides the detected date order. Raises ImportFileError."""
    path = Path(path)
    table = read_table(path)
    detection = detect_mapping(table, date_order or default_date_order())
    with plan.uow() as uow:
        offerings = {o.id: o.name for o in uow.session.query(Offering).order_by(Offering.position)}
        stored = remembered_mapping(uow, header_signature(table.headers))
    old = ActualsMapping.from_json(stored, table.headers) if stored is not None else None
    remembered = old is not None
    if old is not None:
        detection = Detection(old, True)
    if date_order is not None:
        detection = Detection(replace(detection.mapping, date_order=date_order), True)
    products = ActualsMapping.products_from_json(stored, offerings) if old and stored else {}
    return LoadedFile(path, table, detection, remembered, offerings, file_sha256(path), products)


def import_file(
    plan: Plan,
    path: str | Path,
    *,
    skip_bad: bool = False,
    date_order: DateOrder | None = None,
    today: dt.date | None = None,
) -> ImportPreview:
    """Import ``path`` with the detected mapping, as the CLI does; returns the preview of
    what was imported. Raises ImportFileError (unreadable), ValueError (no date or amount
    column found: one sentence) or ImportRefused (bad lines without ``skip_bad``)."""
    loaded = load_file(plan, path, date_order)
    mapping = loaded.detection.mapping
    if mapping.problem() is not None:
        missing = "sale dates" if mapping.date is None else "amounts"
        raise ValueError(
            f"No column of {missing} was recognised in {loaded.path.name}; "
            "use File > Import Actual Sales… in the app to choose the columns."
        )
    preview = loaded.preview(plan)
    command = preview.command(today or dt.date.today(), skip_bad=skip_bad)
    if preview.line_keys:
        execute(plan, command)
    return preview
