"""A seeded fuzz test of ``read_table`` and both importers.

Valid exports (a shop's CSV, CRM deal lists in three formats, an .xlsx workbook) are
mutated at random: bytes flipped, inserted (quotes, NULs, line breaks, delimiters, BOMs,
high bytes), deleted, repeated, cut off; the XML parts of the workbook are mutated inside
a valid zip so openpyxl's parsers see the damage. Every file then goes through the whole
import (read, detect, prepare, apply in a transaction that is rolled back). Reading or
importing may refuse a file only with ``ImportFileError``, ``ValueError`` (actuals:
no date or amount column), ``ImportRefused`` or ``ValidationError``; anything else, or a
case that runs too long, fails the test. Seeded, so a failure repeats.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import signal
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from planner.db.plan import Plan
from planner.io.actuals_import import ImportRefused, detect_mapping, prepare
from planner.io.crm_formats import crm_stage_names, default_stage_map, source_from_table
from planner.io.deals_import import DealsImportOptions, parse_deals, plan_stages, prepare_import
from planner.io.tabular import ImportFileError, SourceTable, read_table
from planner.services.errors import ValidationError

TODAY = dt.date(2026, 5, 1)
SEED = 424242
PER_CASE_SECONDS = 5  # a case taking longer is a hang (real cases take milliseconds)

REFUSALS = (ImportFileError, ImportRefused, ValidationError, ValueError)

SHOP = (
    "Date;Product;Quantity;Price;Total\n"
    "05.03.2026;Bread;2;3,50;7,00\n"
    "17.03.2026;Cake;1;€ 12,50;€ 12,50\n"
    '02.04.2026;"Bread, large";10;3,50;1.035,00\n'
    "03.04.2026;Bread;-1;3,50;3,50\n"
    "20.04.2026;Coffee;3;2,00;6,00\n"
)
HUBSPOT = (
    "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Closed Lost Reason,Create Date\n"
    '101,Website redesign,appointmentscheduled,2026-03-31,Anna Berg,"1,250.50",,2026-01-05\n'
    "102,Catering,Closed Won,2026-02-14,Ben Ortiz,3000,,2026-01-10\n"
    "103,Wedding cake,closedlost,2026-02-20,Anna Berg,800,price too high,2026-01-12\n"
)
SALESFORCE = (
    "Opportunity Name,Account Name,Stage,Amount,Probability (%),Close Date,Created Date,"
    "Opportunity Owner,Loss Reason\n"
    'Spring menu,Green Deli,Proposal/Price Quote,"$2,500.00",60%,3/15/2026,1/20/2026,Carla,\n'
    "Bread supply,Hotel Luna,Closed Lost,$900.00,0,2/28/2026,1/05/2026,Carla,Went with a rival\n"
)
PIPEDRIVE = (
    "ID;Title;Value;Stage;Status;Expected close date;Lost reason;Organization;Owner;"
    "Deal created;Won time;Lost time\n"
    "7;Event catering;1.200,00;Negotiations Started;won;30.03.2026;;Fest AG;Anna;"
    "02.01.2026 10:00;25.03.2026 14:00;\n"
    "8;Birthday cakes;300,00;Contact Made;open;15.04.2026;;;Dan Fox;14.02.2026;;\n"
)
SPECIAL = [
    b'"', b"\x00", b"\r", b"\n", b",", b";", b"\t", b"\xef\xbb\xbf", b"\xff\xfe", b"\xff",
    b"\xc3", b"-", b".", b"1e308", b"NaN", b"9" * 30, b"\\", b"'", b"\x1a", "\u2028".encode(),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _hang_guard() -> Iterator[None]:
    """Fail (not hang) if a case never returns: SIGALRM interrupts it."""
    if sys.platform == "win32":
        yield
        return

    def _timeout(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"an import case ran longer than {PER_CASE_SECONDS} s")

    old = signal.signal(signal.SIGALRM, _timeout)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """``data`` with 1-8 random changes."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        where = rng.randint(0, len(buf))
        action = rng.randrange(7)
        if action == 0 and buf:
            buf[min(where, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif action == 1:
            buf[where:where] = rng.choice(SPECIAL)
        elif action == 2:
            del buf[where : where + rng.randint(1, 20)]
        elif action == 3:
            chunk = buf[where : where + rng.randint(1, 60)]
            buf[where:where] = chunk * rng.randint(1, 50)
        elif action == 4:
            del buf[where:]
        elif action == 5:
            buf[where:where] = rng.randbytes(rng.randint(1, 16))
        else:
            buf[where:where] = rng.choice(SPECIAL) * rng.randint(100, 3000)
    return bytes(buf)


def _actuals(table: SourceTable) -> None:
    mapping = detect_mapping(table, "DMY").mapping
    if mapping.problem() is not None:
        return  # the wizard asks for the columns; import_file refuses with a ValueError
    preview = prepare(table, mapping, file_name="fuzz.csv", offerings={1: "Bread", 2: "Cake"})
    preview.command(TODAY, skip_bad=True)
    preview.summary_lines("EUR")
    preview.command(TODAY)  # raises ImportRefused when lines were bad


def _apply_and_roll_back(plan: Plan, table: SourceTable) -> None:
    mapping = detect_mapping(table, "DMY").mapping
    if mapping.problem() is not None:
        return
    preview = prepare(table, mapping, file_name="fuzz.csv", offerings={})
    if preview.line_keys:
        with plan.uow() as uow:
            preview.command(TODAY, skip_bad=True).apply(uow)
            uow.flush()  # the transaction is rolled back when the block ends


def _actuals_and_apply(plan: Plan, table: SourceTable) -> None:
    try:
        _actuals(table)
    finally:
        _apply_and_roll_back(plan, table)  # with the bad lines skipped, as the wizard can


def _deals(plan: Plan, table: SourceTable, *, skip_bad: bool) -> None:
    source = source_from_table(table, "fuzz.csv", "0" * 64)
    deals, _bad = parse_deals(source)
    with plan.uow() as uow:
        stages = plan_stages(uow.session)
        stage_map, _unknown = default_stage_map(crm_stage_names(deals), stages)
        options = DealsImportOptions(stage_map, create_owners=True, skip_bad=skip_bad)
        command, summary = prepare_import(uow.session, source, options, today=TODAY)
        summary.lines()
        command.apply(uow)
        uow.flush()  # rolled back at the end of the block


def run_case(path: Path, data: bytes, consume: Callable[[SourceTable], None]) -> str:
    """Write, read and import one case; returns how it ended (never raises a refusal)."""
    path.write_bytes(data)
    if sys.platform != "win32":
        signal.alarm(PER_CASE_SECONDS)
    try:
        table = read_table(path)
        consume(table)
    except REFUSALS as exc:
        message = str(exc)
        assert message and "Traceback" not in message
        return type(exc).__name__
    finally:
        if sys.platform != "win32":
            signal.alarm(0)
    return "imported"


def test_fuzzed_csv_exports(tmp_path: Path, empty_plan: Plan) -> None:
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {}
    started = time.monotonic()
    seeds = [
        (SHOP.encode("cp1252"), lambda t: _actuals_and_apply(empty_plan, t)),
        (SHOP.encode("utf-16"), _actuals),
        (HUBSPOT.encode(), lambda t: _deals(empty_plan, t, skip_bad=True)),
        (SALESFORCE.encode(), lambda t: _deals(empty_plan, t, skip_bad=False)),
        (PIPEDRIVE.encode(), lambda t: _deals(empty_plan, t, skip_bad=True)),
    ]
    for n in range(400):
        data, consume = seeds[n % len(seeds)]
        ending = run_case(tmp_path / f"case{n % 7}.csv", mutate(data, rng), consume)
        outcomes[ending] = outcomes.get(ending, 0) + 1
    # Random bytes, and random bytes behind the signatures the reader looks at.
    for n in range(60):
        prefix = rng.choice([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xff\xfe", b"\xef\xbb\xbf"])
        data = prefix + rng.randbytes(rng.randint(0, 3000))
        ending = run_case(tmp_path / f"noise{n}.csv", data, _actuals)
        outcomes[ending] = outcomes.get(ending, 0) + 1
    # Mutations both refuse and pass: the fuzzing reached the importers, not just the reader.
    assert outcomes.get("imported", 0) > 50, outcomes
    assert outcomes.get("ImportFileError", 0) > 20, outcomes
    assert len(outcomes) >= 3, outcomes
    assert time.monotonic() - started < 60


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Product", "Quantity", "Amount"])
    for n in range(30):
        sheet.append([dt.datetime(2026, 1 + n % 12, 1 + n), f"Item {n % 4}", n % 5, n * 1.25])
    sheet["F2"] = "text"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _mutate_member(data: bytes, rng: random.Random) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = rng.choice([n for n in names if n.endswith((".xml", ".rels"))])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            body = source.read(name)
            target.writestr(name, mutate(body, rng) if name == victim else body)
    return out.getvalue()


def test_fuzzed_workbooks(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    valid = _workbook()
    outcomes: dict[str, int] = {}
    for n in range(120):
        data = _mutate_member(valid, rng) if n % 4 else mutate(valid, rng)
        ending = run_case(tmp_path / f"book{n % 5}.xlsx", data, _actuals)
        outcomes[ending] = outcomes.get(ending, 0) + 1
    assert outcomes.get("imported", 0) > 5, outcomes
    assert outcomes.get("ImportFileError", 0) > 20, outcomes
