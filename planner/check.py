"""Verify a plan file without changing it, and say what was found in plain words.

``check_plan(path)`` answers "is my plan all right?": the file itself (``check_file``'s
refusals, then SQLite's full ``integrity_check``), its schema version, the links between
records (``foreign_key_check``: a deal whose stage is gone, a target of a deleted offering)
and the rules the planner relies on when it reads records back (months it can read, dates,
probabilities from 0 to 100, won deals in the won stage). Everything runs on a read-only
connection, so the file is left byte-for-byte as it was, even when it is open in the planner.

Findings are either problems (something is missing, broken or unreadable: the plan is not
all right) or notes (worth knowing, nothing to repair). Only the standard library and
``planner.db.plan`` are imported, so ``check`` starts fast and never needs SQLAlchemy's ORM.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from planner.db.plan import HEAD_REVISION, PlanError, check_file
from planner.instance_lock import lock_owner

# How many record numbers a finding names before it says "and N more".
_SHOWN_IDS = 5
# How many lines of SQLite's own integrity report are passed on.
_SHOWN_INTEGRITY = 10

# Table -> how one record of it is called, singular and plural.
_NOUNS: dict[str, tuple[str, str]] = {
    "business_profile": ("business profile", "business profiles"),
    "sales_rep": ("owner", "owners"),
    "offering": ("offering", "offerings"),
    "segment": ("segment", "segments"),
    "channel": ("channel", "channels"),
    "channel_month": ("month of channel figures", "months of channel figures"),
    "segment_offering": ("link between a segment and an offering", "segment-offering links"),
    "segment_channel": ("link between a segment and a channel", "segment-channel links"),
    "offering_channel": ("link between an offering and a channel", "offering-channel links"),
    "stage": ("pipeline stage", "pipeline stages"),
    "lost_reason": ("lost reason", "lost reasons"),
    "deal": ("deal", "deals"),
    "deal_event": ("entry of deal history", "entries of deal history"),
    "target": ("target", "targets"),
    "actual_sale": ("month of actual sales", "months of actual sales"),
    "import_batch": ("import", "imports"),
    "imported_line": ("imported line", "imported lines"),
    "import_mapping": ("remembered import mapping", "remembered import mappings"),
}

_LINK_TABLES = frozenset({"segment_offering", "segment_channel", "offering_channel"})

# The tables every plan of the current schema has (the ORM's tables, without importing it).
EXPECTED_TABLES = frozenset(_NOUNS) | {"alembic_version"}


@dataclass(frozen=True)
class Finding:
    """One thing the check found: ``problem`` (the plan is not all right) or a ``note``."""

    text: str
    problem: bool = True


@dataclass
class CheckResult:
    """What ``check_plan`` found: facts about the file, and its findings."""

    path: Path
    schema_version: str | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.problem]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if not f.problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        self.findings.append(Finding(text, problem=True))

    def note(self, text: str) -> None:
        self.findings.append(Finding(text, problem=False))


def _count(number: int, table: str) -> str:
    one, many = _NOUNS.get(table, (table.replace("_", " "), table.replace("_", " ") + "s"))
    return f"1 {one}" if number == 1 else f"{number:,} {many}"


def _ids(ids: list[int]) -> str:
    """ "(number 4)", "(numbers 4, 7 and 9)", "(numbers 1, 2, 3, 4, 5 and 12 more)"."""
    shown = [str(i) for i in ids[:_SHOWN_IDS]]
    if len(ids) == 1:
        return f"(number {shown[0]})"
    more = len(ids) - len(shown)
    listed = ", ".join(shown[:-1]) + f" and {shown[-1]}" if not more else ", ".join(shown)
    return f"(numbers {listed} and {more:,} more)" if more else f"(numbers {listed})"


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    # As in check_file: ``immutable`` creates no -wal/-shm beside a cleanly closed plan; an
    # existing -wal (open elsewhere, or not closed properly) must be read through, so mode=ro.
    wal = path.with_name(f"{path.name}-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def check_plan(path: str | Path) -> CheckResult:
    """Look at the plan at ``path`` read-only and report every problem found."""
    path = Path(path)
    result = CheckResult(path)
    try:
        found = check_file(path)
    except PlanError as exc:
        result.problem(str(exc))
        if "damaged:" in str(exc) and path.is_file():
            _integrity_details(path, result)
        return result
    result.schema_version = found.revision
    if found.needs_upgrade:
        result.facts.append(
            ("Schema version", f"{found.revision} (older; current is {HEAD_REVISION})")
        )
        result.note(
            f"The plan was made by an older version of the Planner (schema {found.revision}). "
            "It will be upgraded when you next open it, after a backup copy is kept."
        )
    else:
        result.facts.append(("Schema version", f"{found.revision} (current)"))
    owner = lock_owner(path)
    if owner is not None:
        result.note(
            f"The plan is open in a window of the planner {owner.describe()}; "
            "the check read it including its latest changes."
        )
    elif path.with_name(f"{path.name}-wal").exists():
        result.note(
            "The plan is open in the planner right now, or was not closed properly; "
            "the check read it including its latest changes."
        )
    try:
        with _read_only(path) as conn:
            _check_integrity(conn, result)
            if not result.ok:
                return result
            tables = _check_tables(conn, result, current=not found.needs_upgrade)
            _check_links(conn, result)
            if not found.needs_upgrade and not (EXPECTED_TABLES - tables):
                _check_rules(conn, result)
                _add_counts(conn, result)
    except sqlite3.DatabaseError as exc:
        result.problem(f"The plan is damaged and could not be read to the end ({exc}).")
    return result


def _integrity_details(path: Path, result: CheckResult) -> None:
    """For a file check_file called damaged, SQLite's own list of what is wrong, if it opens."""
    try:
        with _read_only(path) as conn:
            _check_integrity(conn, result, say_ok=False)
    except sqlite3.DatabaseError:
        pass  # too damaged for SQLite to say more than check_file already did


def _check_integrity(conn: sqlite3.Connection, result: CheckResult, say_ok: bool = True) -> None:
    lines = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    if lines == ["ok"]:
        if say_ok:
            result.facts.append(("File integrity", "ok (every page and index checked)"))
        return
    shown = lines[:_SHOWN_INTEGRITY]
    extra = f" (and {len(lines) - len(shown):,} more)" if len(lines) > len(shown) else ""
    result.problem(
        "SQLite found damage inside the file: " + "; ".join(shown) + extra + ". "
        "Restore a backup (File > Restore from Backup...) to get a sound copy back."
    )


def _check_tables(conn: sqlite3.Connection, result: CheckResult, *, current: bool) -> set[str]:
    tables = {
        str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if current:
        missing = sorted(EXPECTED_TABLES - tables)
        if missing:
            names = ", ".join(_NOUNS.get(t, (t, t))[1] for t in missing)
            result.problem(f"Parts of the plan are missing from the file: {names}.")
    return tables


def _check_links(conn: sqlite3.Connection, result: CheckResult) -> None:
    """Records naming a record that no longer exists, grouped by what they name."""
    broken: dict[tuple[str, str, str], list[int]] = {}
    columns: dict[tuple[str, int], str] = {}
    for table, rowid, parent, fkid in conn.execute("PRAGMA foreign_key_check"):
        if (table, fkid) not in columns:
            for row in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
                columns[(table, row[0])] = str(row[3])
        column = columns.get((table, fkid), "")
        broken.setdefault((table, parent, column), []).append(int(rowid))
    if not broken:
        result.facts.append(("Links between records", "ok"))
        return
    for (table, parent, _column), ids in sorted(broken.items()):
        one = _NOUNS.get(parent, (parent.replace("_", " "), ""))[0]
        verb = "names" if len(ids) == 1 else "name"
        # Link tables have no record numbers a user could look up.
        numbers = "" if table in _LINK_TABLES else f" {_ids(ids)}"
        result.problem(
            f"{_count(len(ids), table).capitalize()}{numbers} {verb} {_article(one)} {one} "
            "that no longer exists."
        )


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


# (table, SQL selecting the ids of records breaking a rule, what is wrong with them).
# Months are 'YYYY-MM' text; SQLite's date() returns NULL for a date it cannot read.
_MONTH_OK = (
    "length({c}) = 7 AND substr({c}, 5, 1) = '-' AND date({c} || '-01') IS NOT NULL "
    "AND {c} BETWEEN '1900-01' AND '2199-12'"
)
_RULES: tuple[tuple[str, str, str], ...] = (
    *(
        (t, f"month IS NULL OR NOT ({_MONTH_OK.format(c='month')})",
         "have a month that cannot be read")
        for t in ("target", "actual_sale", "channel_month")
    ),
    *(
        ("deal", f"{c} IS NOT NULL AND date({c}) IS NOT {c}", f"have {what} that cannot be read")
        for c, what in (
            ("created_on", "a creation date"),
            ("expected_close", "an expected close date"),
            ("closed_on", "a closing date"),
        )
    ),
    ("deal", "created_on IS NULL", "have no creation date"),
    ("deal_event", "date(happened_on) IS NOT happened_on", "have a date that cannot be read"),
    ("deal", "probability IS NOT NULL AND probability NOT BETWEEN 0 AND 100",
     "have a probability outside 0 to 100 %"),
    ("stage", "probability NOT BETWEEN 0 AND 100", "have a probability outside 0 to 100 %"),
    ("deal", "amount_minor < 0", "have a negative amount"),
    ("deal", "status NOT IN ('open', 'won', 'lost')", "have a status the planner does not know"),
    ("deal", "status = 'won' AND stage_id NOT IN (SELECT id FROM stage WHERE is_won)",
     "are marked won but are not in the won stage"),
    ("deal", "status = 'lost' AND stage_id NOT IN (SELECT id FROM stage WHERE is_lost)",
     "are marked lost but are not in the lost stage"),
    ("deal", "status = 'open' AND stage_id IN (SELECT id FROM stage WHERE is_won OR is_lost)",
     "are marked open but sit in the won or lost stage"),
    *(
        (t, "trim(name) = ''", "have an empty name")
        for t in ("offering", "segment", "channel", "stage", "lost_reason", "sales_rep")
    ),
    ("deal", "trim(customer) = ''", "have no customer name"),
)  # fmt: skip

# Oddities that do not stop the planner working: reported as notes.
_NOTES: tuple[tuple[str, str, str], ...] = (
    ("deal", "closed_on IS NOT NULL AND date(closed_on) < date(created_on)",
     "were closed before the day they were created"),
    ("deal", "status = 'open' AND closed_on IS NOT NULL", "are open but have a closing date"),
)  # fmt: skip


def _check_rules(conn: sqlite3.Connection, result: CheckResult) -> None:
    for rules, problem in ((_RULES, True), (_NOTES, False)):
        for table, where, wrong in rules:
            ids = [int(r[0]) for r in conn.execute(f"SELECT id FROM {table} WHERE {where}")]
            if ids:
                text = f"{_count(len(ids), table).capitalize()} {_ids(ids)} {wrong}."
                if len(ids) == 1:
                    text = _singular(text)
                result.findings.append(Finding(text, problem=problem))
    profile = conn.execute("SELECT fiscal_start_month, currency FROM business_profile").fetchall()
    if len(profile) != 1:
        result.problem("The business profile (name, currency, fiscal year) is missing.")
    elif not 1 <= int(profile[0][0] or 0) <= 12:
        result.problem("The fiscal year's first month is not a month from 1 to 12.")
    for flag, what in (("is_won", "won"), ("is_lost", "lost")):
        stages = conn.execute(f"SELECT count(*) FROM stage WHERE {flag}").fetchone()[0]
        if stages != 1:
            result.problem(f"The pipeline needs exactly one {what} stage; it has {stages}.")
    _check_duplicates(conn, result)


def _singular(text: str) -> str:
    for many, one in (
        (" have ", " has "),
        (" are marked ", " is marked "),
        (" are open ", " is open "),
        (" were closed ", " was closed "),
        (" the day they were ", " the day it was "),
    ):
        text = text.replace(many, one, 1)
    return text.replace(" but are not ", " but is not ").replace(" but sit ", " but sits ")


def _check_duplicates(conn: sqlite3.Connection, result: CheckResult) -> None:
    # Names are unique as typed but the planner also refuses "bread" beside "Bread".
    for table in ("offering", "segment", "channel", "stage", "lost_reason", "sales_rep"):
        rows = conn.execute(
            f"SELECT lower(name), count(*) FROM {table} GROUP BY lower(name) HAVING count(*) > 1"
        ).fetchall()
        for name, _n in rows:
            result.note(f"Two or more {_NOUNS[table][1]} are called '{name}' (ignoring capitals).")


def _add_counts(conn: sqlite3.Connection, result: CheckResult) -> None:
    deals = conn.execute("SELECT count(*) FROM deal").fetchone()[0]
    offerings = conn.execute("SELECT count(*) FROM offering").fetchone()[0]
    months = conn.execute("SELECT count(DISTINCT month) FROM actual_sale").fetchone()[0]
    result.facts.append(
        ("Records", f"{_count(offerings, 'offering')}, {_count(deals, 'deal')}, "
         f"actual sales for {months:,} month{'s' if months != 1 else ''}")
    )  # fmt: skip
