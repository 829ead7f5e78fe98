"""Importing deals from a CRM export (HubSpot, Salesforce, Pipedrive, or any deal list).

The steps, shared by the wizard and ``import-deals``: ``read_deals_file`` reads the file and
recognises its CRM (``crm_formats``); ``parse_deals`` reads every row into a ``SourceDeal``
or a ``BadRow`` with its line number; ``suggest_stages`` maps the CRM's stage names to the
plan's; ``prepare_import`` resolves owners, lost reasons and earlier imports (a deal whose
``external_ref`` is already in the plan is UPDATED, so importing the same export twice
duplicates nothing) and returns ONE command, so an import is one transaction and one undo
step. Where any row is bad nothing is imported unless ``skip_bad`` is set. No Qt here.

That command, ``ImportDeals``, lives in ``deals_command.py`` and stays importable from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.db.models import Deal, ImportMapping, LostReason, SalesRep, Stage
from planner.db.plan import Plan
from planner.domain.money import to_minor
from planner.io.crm_formats import (
    FORMATS_BY_KEY,
    BadRow,
    DealsSource,
    SourceDeal,
    StageChoice,
    crm_stage_names,
    default_stage_map,
    normalise,
    parse_deals,
    source_from_table,
    suggest_stage,
    suggest_stages,
)
from planner.io.deals_command import DealUpdate, ImportDeals, NewDeal
from planner.io.tabular import ImportProgress, read_table, report
from planner.services.errors import ValidationError

# Re-exported: the wizard, the command line and tests use one module.
__all__ = [
    "BadRow", "BadRowsError", "DealsImportOptions", "DealsImportSummary", "DealsSource",
    "ImportDeals", "SourceDeal", "StageChoice", "crm_stage_names", "default_stage_map",
    "import_deals_file", "load_stage_choices", "parse_deals", "plan_import", "plan_stages",
    "prepare_import", "read_deals_file", "remembered_mapping", "suggest_stage",
    "suggest_stages", "unknown_owners",
]  # fmt: skip

# Deal column -> the export field it comes from; kept on update when the file lacks it.
_KEPT_UNLESS_GIVEN = {
    "amount_minor": "amount",
    "probability": "probability",
    "expected_close": "expected_close",
    "owner_id": "owner",
}


def read_deals_file(path: str | Path, plan: Plan | None = None) -> DealsSource:
    """Read ``path`` and recognise its CRM; with ``plan``, use the columns chosen last time
    for files with the same headers. Raises ``ImportFileError`` when unreadable."""
    path = Path(path)
    table = read_table(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    source = source_from_table(table, path.name, digest)
    return remembered_mapping(plan, source) if plan is not None else source


def remembered_mapping(plan: Plan, source: DealsSource) -> DealsSource:
    """``source`` with the mapping remembered for its header row, if there is a usable one."""
    with plan.session() as session:
        text = session.scalar(
            select(ImportMapping.mapping_json).where(
                ImportMapping.kind == "deals", ImportMapping.signature == source.signature()
            )
        )
    try:
        saved = json.loads(text) if text else None
        fmt = FORMATS_BY_KEY[saved["format"]] if saved else None
        width = len(source.table.headers)
        columns = {str(k): int(v) for k, v in saved["columns"].items()} if saved else {}
    except (ValueError, KeyError, TypeError, AttributeError):
        return source  # a damaged remembered mapping is ignored, never fatal
    if fmt is None or not all(0 <= v < width for v in columns.values()):
        return source
    return replace(source, format=fmt, mapping=columns, remembered=True)


# -- stages ---------------------------------------------------------------------------------


def plan_stages(session: Session) -> list[StageChoice]:
    """The plan's stages in pipeline order."""
    stages = session.scalars(select(Stage).order_by(Stage.position, Stage.id))
    return [StageChoice(s.id, s.name, s.is_won, s.is_lost) for s in stages]


@dataclass(frozen=True)
class DealsImportOptions:
    """The user's choices: ``stage_map`` maps each CRM stage name to a plan stage id."""

    stage_map: Mapping[str, int] = field(default_factory=dict)
    create_owners: bool = True  # unknown owners become new sales reps; else unassigned
    skip_bad: bool = False


# -- the import -----------------------------------------------------------------------------


class BadRowsError(ValidationError):
    """Some rows cannot be read and skipping them was not asked for: nothing imported."""

    def __init__(self, bad: Sequence[BadRow]) -> None:
        first = "; ".join(str(b).rstrip(".") for b in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        super().__init__(
            f"{_count(len(bad), 'row')} cannot be imported ({first}{more}); nothing was "
            "imported. Fix the file or skip the bad rows."
        )
        self.bad = tuple(bad)


@dataclass(frozen=True)
class DealsImportSummary:
    """What an import does, for the wizard's last page and the command line."""

    new: int
    updated: int
    unchanged: int
    skipped: tuple[BadRow, ...]
    new_owners: tuple[str, ...]
    new_reasons: tuple[str, ...]
    defaulted_stages: tuple[str, ...] = ()  # unknown CRM stages put in a default stage
    default_stage: str = ""

    def lines(self) -> list[str]:
        """Plain sentences, most important first."""
        out = [
            f"{_count(self.new, 'new deal')}, {_count(self.updated, 'updated deal')} "
            f"and {_count(len(self.skipped), 'skipped row')}."
        ]
        if self.unchanged:
            out.append(f"{_count(self.unchanged, 'deal')} already up to date.")
        if self.new_owners:
            out.append(f"New sales reps: {', '.join(self.new_owners)}.")
        if self.new_reasons:
            out.append(f"New lost reasons: {', '.join(self.new_reasons)}.")
        if self.defaulted_stages:
            names = ", ".join(f"'{n}'" for n in self.defaulted_stages)
            out.append(f"Stages not in your pipeline ({names}) were put in {self.default_stage}.")
        out.extend(str(bad) for bad in self.skipped)
        return out


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _iso(day: object) -> str:
    return day.isoformat() if isinstance(day, dt.date) else ""


def prepare_import(
    session: Session,
    source: DealsSource,
    options: DealsImportOptions,
    *,
    today: dt.date,
    parsed: tuple[list[SourceDeal], list[BadRow]] | None = None,
    progress: ImportProgress | None = None,
) -> tuple[ImportDeals, DealsImportSummary]:
    """The command that imports ``source`` into the plan, and what it will do.

    ``parsed`` is ``parse_deals(source)`` when the caller has it already (a big file takes
    seconds to parse). ``progress(done, total)`` hears how far it is; returning False
    raises ``ImportCancelled`` (nothing is written here in any case).
    Raises ``ValidationError`` (one plain sentence) when a row is bad and ``skip_bad`` is
    not set, when nothing can be imported, or when a CRM stage has no plan stage.
    """
    if "title" not in source.mapping and "customer" not in source.mapping:
        # Every row would be "the deal has no name": say what is wrong with the file once.
        raise ValidationError(
            f"No column of deal names or customers was recognised in "
            f"{source.file_name or 'the file'}; choose its columns in the Import Deals wizard."
        )
    rows = len(source.table.rows)
    if parsed is None:
        # Parsing is the first half of the work, matching against the plan the second.
        parsed = parse_deals(source, _scaled(progress, 0, 2))
        done_before, scale = rows, 2
    else:
        done_before, scale = 0, 1
    deals, bad = parsed
    if bad and not options.skip_bad:
        raise BadRowsError(bad)
    if not deals:
        raise ValidationError(f"{source.file_name or 'The file'} has no deals to import.")
    stages = {s.id: s for s in plan_stages(session)}
    first_open = next((s for s in stages.values() if s.is_open), None)
    won_stage = next((s for s in stages.values() if s.is_won), None)
    lost_stage = next((s for s in stages.values() if s.is_lost), None)
    stage_map = {normalise(k): v for k, v in options.stage_map.items()}
    reps = {normalise(r.name): r.id for r in session.scalars(select(SalesRep))}
    reasons = {normalise(r.name): r.id for r in session.scalars(select(LostReason))}
    refs = [d.ref for d in deals if d.ref]
    existing: dict[str, Deal] = {}
    for start in range(0, len(refs), 500):
        chunk = refs[start : start + 500]
        for known in session.scalars(select(Deal).where(Deal.external_ref.in_(chunk))):
            existing.setdefault(known.external_ref or "", known)
    new_owners: dict[str, str] = {}
    new_reasons: dict[str, str] = {}
    created: list[NewDeal] = []
    updates: list[DealUpdate] = []
    unchanged = 0
    for number, deal in enumerate(deals):
        if number % 2000 == 0:
            report(progress, done_before + number * rows // len(deals), rows * scale)
        stage = None
        if deal.status == "won":
            stage = won_stage
        elif deal.status == "lost":
            stage = lost_stage
        elif deal.crm_stage:
            stage_id = stage_map.get(normalise(deal.crm_stage))
            if stage_id is None or stage_id not in stages:
                raise ValidationError(f"Choose a stage of your pipeline for '{deal.crm_stage}'.")
            stage = stages[stage_id]
        else:
            stage = first_open
        if stage is None:
            raise ValidationError("The pipeline has no stage for these deals.")
        status = "won" if stage.is_won else "lost" if stage.is_lost else "open"
        closed_on = None
        if status != "open":
            closed_on = (deal.won_time if status == "won" else deal.lost_time) or (
                deal.expected_close or today
            )
        owner_id, owner_new = None, None
        if deal.owner:
            owner_id = reps.get(normalise(deal.owner))
            if owner_id is None and options.create_owners:
                owner_new = new_owners.setdefault(normalise(deal.owner), deal.owner[:200])
        reason_id, reason_new = None, None
        if status == "lost" and deal.lost_reason:
            reason_id = reasons.get(normalise(deal.lost_reason))
            if reason_id is None:
                reason_new = new_reasons.setdefault(
                    normalise(deal.lost_reason), deal.lost_reason[:200]
                )
        values: dict[str, object] = {
            "customer": deal.customer[:200], "title": deal.title[:200],
            "amount_minor": to_minor(deal.amount), "probability": deal.probability,
            "stage_id": stage.id, "status": status, "expected_close": deal.expected_close,
            "closed_on": closed_on, "owner_id": owner_id, "lost_reason_id": reason_id,
        }  # fmt: skip
        reason_label = deal.lost_reason[:200] if status == "lost" else ""
        current = existing.get(deal.ref or "")
        if current is None:
            made = deal.created or today
            first_name = stage.name if stage.is_open or first_open is None else first_open.name
            events = [("created", "", first_name, made)]
            if status != "open":
                events.append((status, "", reason_label, closed_on or today))
            values.update(created_on=made, external_ref=deal.ref, notes="")
            created.append(NewDeal(values, owner_new, reason_new, events))
            continue
        if deal.created:
            values["created_on"] = deal.created
        # What the export does not say keeps the plan's value (an owner or probability
        # set in the planner is not wiped by a file without that column).
        for name, column in _KEPT_UNLESS_GIVEN.items():
            if column not in source.mapping:
                values.pop(name)
        if not deal.owner or (owner_id is None and owner_new is None):
            values.pop("owner_id", None)
        if status == "lost" and reason_id is None and reason_new is None:
            values.pop("lost_reason_id")
        old = {k: getattr(current, k) for k in values}
        new = {k: v for k, v in values.items() if old[k] != v}
        if owner_new is not None:
            new["owner_id"] = None
        if reason_new is not None:
            new["lost_reason_id"] = None
        if not new and owner_new is None and reason_new is None:
            unchanged += 1
            continue
        old = {k: old[k] for k in new}
        events = []
        if current.stage_id != stage.id:
            old_stage = stages.get(current.stage_id)
            events.append(("stage", old_stage.name if old_stage else "", stage.name, today))
        if current.status != status:
            if status == "open":
                events.append(("reopened", "", stage.name, today))
            else:
                events.append((status, "", reason_label, closed_on or today))
        elif current.expected_close and "expected_close" in new:
            moved = (_iso(current.expected_close), _iso(deal.expected_close))
            events.append(("close_date", *moved, today))
        updates.append(DealUpdate(current.id, old, new, owner_new, reason_new, events))
    summary = DealsImportSummary(
        len(created), len(updates), unchanged, tuple(bad),
        tuple(new_owners.values()), tuple(new_reasons.values()),
    )  # fmt: skip
    batch = {
        "kind": "deals", "file_name": (source.file_name or "deals")[:500],
        "file_sha256": source.file_sha256 or "", "imported_on": today,
        "rows_imported": len(created) + len(updates), "rows_skipped": len(bad),
    }  # fmt: skip
    command = ImportDeals(
        list(new_owners.values()), list(new_reasons.values()), created, updates, batch,
        (source.signature(), source.mapping_json()),
    )  # fmt: skip
    return command, summary


def _scaled(progress: ImportProgress | None, start: int, parts: int) -> ImportProgress | None:
    """``progress`` for one of ``parts`` equal parts of a step, beginning at part ``start``."""
    if progress is None:
        return None
    report_to = progress
    return lambda done, total: report_to(start * total + done, parts * total)


def import_deals_file(
    plan: Plan, path: str | Path, *, skip_bad: bool = False, today: dt.date | None = None
) -> DealsImportSummary:
    """Import ``path`` with the detected mapping (the command line's ``import-deals``).

    CRM stages the plan does not know go to its first open stage; the summary says so.
    Raises ``ImportFileError``, ``BadRowsError`` or ``ValidationError``; nothing is written
    then.
    """
    source = read_deals_file(path, plan)
    deals, _bad = parse_deals(source)
    today = today or dt.date.today()
    with plan.uow() as uow:
        stages = plan_stages(uow.session)
        stage_map, unknown = default_stage_map(crm_stage_names(deals), stages)
        options = DealsImportOptions(stage_map, create_owners=True, skip_bad=skip_bad)
        command, summary = prepare_import(uow.session, source, options, today=today)
        command.apply(uow)
        uow.commit()
    if unknown:
        first_open = next((s.name for s in stages if s.is_open), "")
        summary = replace(summary, defaulted_stages=tuple(unknown), default_stage=first_open)
    return summary


# -- for the wizard: the same steps on a plan, each in its own short read --------------------


def load_stage_choices(plan: Plan) -> list[StageChoice]:
    with plan.session() as session:
        return plan_stages(session)


def unknown_owners(plan: Plan, deals: Sequence[SourceDeal]) -> list[str]:
    """Owner names of ``deals`` that are not sales reps of the plan, in order of appearance."""
    with plan.session() as session:
        known = {normalise(name) for name in session.scalars(select(SalesRep.name))}
    names: dict[str, str] = {}
    for deal in deals:
        key = normalise(deal.owner)
        if key and key not in known:
            names.setdefault(key, deal.owner)
    return list(names.values())


def plan_import(
    plan: Plan,
    source: DealsSource,
    options: DealsImportOptions,
    *,
    today: dt.date,
    parsed: tuple[list[SourceDeal], list[BadRow]] | None = None,
    progress: ImportProgress | None = None,
) -> tuple[ImportDeals, DealsImportSummary]:
    """``prepare_import`` on ``plan`` (read only; apply the command to import)."""
    with plan.session() as session:
        return prepare_import(
            session, source, options, today=today, parsed=parsed, progress=progress
        )
