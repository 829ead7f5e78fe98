"""Reading deal exports of common CRMs: their header names, their rows and their stages.

HubSpot, Salesforce (API names and report labels) and Pipedrive each export deals with their
own column names. ``detect_format`` looks at a header row and says which CRM wrote it and
which column holds each deal field; a file from anywhere else gets a generic guess the user
can correct in the wizard. Matching ignores letter case and spacing. ``parse_deals`` reads
the rows (amounts and dates in the file's own format) and ``suggest_stages`` matches the
CRM's stage names to the plan's. Pure functions: no database, no Qt (``deals_import`` puts
the result into a plan).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from planner.io.tabular import ImportProgress, SourceTable, report
from planner.io.values import (
    default_date_order,
    guess_date_order,
    header_signature,
    parse_amount,
    parse_date,
)
from planner.io.values import detect_decimal_mark as _detect_mark

# The deal fields an import can fill, with the words the wizard shows for them.
FIELDS: dict[str, str] = {
    "ref": "Record ID",
    "title": "Deal name",
    "customer": "Company",
    "stage": "Stage",
    "status": "Status (open/won/lost)",
    "amount": "Amount",
    "probability": "Probability (%)",
    "expected_close": "Expected close",
    "created": "Created",
    "won_time": "Won on",
    "lost_time": "Lost on",
    "owner": "Owner",
    "lost_reason": "Lost reason",
}


@dataclass(frozen=True)
class CrmFormat:
    """One CRM's export: ``key`` prefixes external refs ("hubspot:123")."""

    key: str
    label: str
    columns: dict[str, tuple[str, ...]]  # field -> header names it may carry
    signature: tuple[str, ...]  # headers that together identify this CRM

    def header_names(self) -> set[str]:
        return {normalise(name) for names in self.columns.values() for name in names}


def normalise(text: str) -> str:
    """Lower case with single spaces: "  Deal  Stage" -> "deal stage"."""
    return " ".join(text.split()).casefold()


HUBSPOT = CrmFormat(
    "hubspot",
    "HubSpot deals",
    {
        "ref": ("Record ID", "Deal ID"),
        "title": ("Deal Name",),
        "customer": ("Associated Company", "Associated Company (Primary)", "Company name"),
        "stage": ("Deal Stage",),
        "amount": ("Amount",),
        "expected_close": ("Close Date",),
        "created": ("Create Date",),
        "owner": ("Deal owner",),
        "lost_reason": ("Closed Lost Reason",),
    },
    ("deal name", "deal stage"),
)

SALESFORCE = CrmFormat(
    "salesforce",
    "Salesforce opportunities",
    {
        "ref": ("Id", "Opportunity ID", "Opportunity Id"),
        "title": ("Name", "Opportunity Name"),
        "customer": ("AccountName", "Account Name", "Account.Name"),
        "stage": ("StageName", "Stage"),
        "amount": ("Amount",),
        "probability": ("Probability", "Probability (%)"),
        "expected_close": ("CloseDate", "Close Date"),
        "created": ("CreatedDate", "Created Date"),
        "owner": ("Owner", "Opportunity Owner", "Owner.Name", "OwnerName"),
        "lost_reason": ("Loss Reason", "Loss_Reason__c", "LossReason"),
    },
    ("stagename", "opportunity name"),  # either one is enough (see detect_format)
)

PIPEDRIVE = CrmFormat(
    "pipedrive",
    "Pipedrive deals",
    {
        "ref": ("ID", "Deal - ID"),
        "title": ("Title", "Deal - Title"),
        "customer": ("Organization", "Organisation", "Deal - Organization"),
        "stage": ("Stage", "Deal - Stage"),
        "status": ("Status", "Deal - Status"),
        "amount": ("Value", "Deal - Value"),
        "expected_close": ("Expected close date", "Deal - Expected close date"),
        "created": ("Deal created", "Deal - Deal created", "Add time"),
        "won_time": ("Won time", "Deal - Won time"),
        "lost_time": ("Lost time", "Deal - Lost time"),
        "owner": ("Owner", "Deal - Owner"),
        "lost_reason": ("Lost reason", "Deal - Lost reason"),
    },
    ("title", "value"),
)

GENERIC = CrmFormat(
    "csv",
    "Other deal list",
    {
        "ref": ("ID", "Deal ID", "Record ID", "Reference"),
        "title": ("Deal", "Deal name", "Name", "Title", "Opportunity"),
        "customer": ("Customer", "Company", "Client", "Account", "Organization", "Organisation"),
        "stage": ("Stage", "Deal stage", "Phase"),
        "status": ("Status",),
        "amount": ("Amount", "Value", "Deal value", "Total"),
        "probability": ("Probability", "Probability (%)", "Chance"),
        "expected_close": ("Expected close", "Close date", "Expected close date"),
        "created": ("Created", "Created on", "Create date", "Date"),
        "owner": ("Owner", "Sales rep", "Salesperson"),
        "lost_reason": ("Lost reason", "Reason lost"),
    },
    (),
)

FORMATS: tuple[CrmFormat, ...] = (HUBSPOT, SALESFORCE, PIPEDRIVE)
FORMATS_BY_KEY = {f.key: f for f in (*FORMATS, GENERIC)}


def detect_format(headers: Sequence[str]) -> tuple[CrmFormat, dict[str, int]]:
    """Which CRM wrote ``headers`` and the column index of each field it found."""
    names = [normalise(h) for h in headers]
    present = set(names)
    found = GENERIC
    if all(s in present for s in HUBSPOT.signature):
        found = HUBSPOT
    elif any(s in present for s in SALESFORCE.signature):
        found = SALESFORCE
    elif all(s in present for s in PIPEDRIVE.signature) or any(
        n.startswith("deal - ") for n in names
    ):
        found = PIPEDRIVE
    return found, column_mapping(found, headers)


def column_mapping(fmt: CrmFormat, headers: Sequence[str]) -> dict[str, int]:
    """Field -> column index for the headers of ``fmt`` found in ``headers`` (first wins)."""
    names = [normalise(h) for h in headers]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for field_name, aliases in fmt.columns.items():
        for alias in aliases:
            key = normalise(alias)
            index = next((i for i, n in enumerate(names) if n == key and i not in used), None)
            if index is not None:
                mapping[field_name] = index
                used.add(index)
                break
    return mapping


# Stage names CRMs ship with, reduced to letters, and the plan stage they usually mean.
# "won"/"lost" stand for the plan's won/lost stage whatever it is called.
STAGE_SYNONYMS: dict[str, str] = {
    "closedwon": "won",
    "won": "won",
    "dealwon": "won",
    "closedlost": "lost",
    "lost": "lost",
    "deallost": "lost",
    # HubSpot's default sales pipeline
    "appointmentscheduled": "Qualified",
    "qualifiedtobuy": "Qualified",
    "presentationscheduled": "Proposal",
    "decisionmakerboughtin": "Negotiation",
    "contractsent": "Negotiation",
    # Salesforce's default opportunity stages
    "prospecting": "Lead",
    "qualification": "Qualified",
    "needsanalysis": "Qualified",
    "valueproposition": "Proposal",
    "iddecisionmakers": "Proposal",
    "perceptionanalysis": "Proposal",
    "proposalpricequote": "Proposal",
    "negotiationreview": "Negotiation",
    # Pipedrive's default pipeline
    "leadin": "Lead",
    "newlead": "Lead",
    "contactmade": "Qualified",
    "demoscheduled": "Qualified",
    "needsdefined": "Qualified",
    "proposalmade": "Proposal",
    "negotiationsstarted": "Negotiation",
    "negotiation": "Negotiation",
}


def stage_key(name: str) -> str:
    """A stage name reduced to lower-case letters and digits: "Closed Won" -> "closedwon"."""
    return re.sub(r"[^0-9a-z]", "", name.casefold())


# -- reading the rows ----------------------------------------------------------------------


_DATE_FIELDS = ("expected_close", "created", "won_time", "lost_time")


@dataclass(frozen=True)
class DealsSource:
    """A file read as a table, with its recognised format and field -> column mapping."""

    file_name: str
    file_sha256: str
    table: SourceTable
    format: CrmFormat
    mapping: dict[str, int]
    remembered: bool = False  # the mapping is the one chosen last time for this shape

    def signature(self) -> str:
        return header_signature(self.table.headers)

    def mapping_json(self) -> str:
        return json.dumps({"format": self.format.key, "columns": self.mapping}, sort_keys=True)

    def with_format(self, key: str) -> DealsSource:
        """The same file read as format ``key`` (the user corrected the guess)."""
        fmt = FORMATS_BY_KEY[key]
        return replace(self, format=fmt, mapping=column_mapping(fmt, self.table.headers))

    def with_mapping(self, mapping: Mapping[str, int]) -> DealsSource:
        return replace(self, mapping=dict(mapping))


def source_from_table(table: SourceTable, file_name: str = "", sha256: str = "") -> DealsSource:
    fmt, mapping = detect_format(table.headers)
    return DealsSource(file_name, sha256, table, fmt, mapping)


@dataclass(frozen=True)
class SourceDeal:
    """One row of the export, read but not yet matched to the plan."""

    line: int
    ref: str | None
    title: str
    customer: str
    crm_stage: str
    status: str | None  # "open", "won" or "lost" from a Status column, else None
    amount: Decimal
    probability: int | None
    expected_close: dt.date | None
    created: dt.date | None
    won_time: dt.date | None
    lost_time: dt.date | None
    owner: str
    lost_reason: str


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}."


_STATUS_WORDS = {"open": "open", "won": "won", "lost": "lost"}


_REPORT_EVERY = 2000  # rows between two progress reports


def parse_deals(
    source: DealsSource, progress: ImportProgress | None = None
) -> tuple[list[SourceDeal], list[BadRow]]:
    """Every row of ``source`` as a deal, or as a bad row with the reason.

    ``progress(rows read, rows in all)`` hears how far it is every few thousand rows; when
    it returns False, ``ImportCancelled`` is raised."""
    rows = source.table.rows
    mapping = source.mapping

    def cell(cells: list[str], name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    mark = _detect_mark(cell(r.cells, "amount") for r in rows)
    samples = [cell(r.cells, f) for r in rows for f in _DATE_FIELDS]
    order, _certain = guess_date_order(samples, default_date_order())
    deals: list[SourceDeal] = []
    bad: list[BadRow] = []
    seen_refs: dict[str, int] = {}
    total = len(rows)
    for number, row in enumerate(rows):
        if number % _REPORT_EVERY == 0:
            report(progress, number, total)
        cells = row.cells
        if not any(c.strip() for c in cells):
            continue
        title = cell(cells, "title")
        customer = cell(cells, "customer") or title
        try:
            if not title and not customer:
                raise ValueError("the deal has no name")
            amount_text = cell(cells, "amount")
            amount = parse_amount(amount_text, mark) if amount_text else Decimal(0)
            if amount < 0:
                raise ValueError(f"the amount {amount_text} is negative")
            dates: dict[str, dt.date | None] = {}
            for name in _DATE_FIELDS:
                text = cell(cells, name)
                dates[name] = parse_date(text, order) if text else None
            probability = _probability(cell(cells, "probability"), mark)
            status_text = cell(cells, "status").casefold()
            status = _STATUS_WORDS.get(status_text) if status_text else None
            if status_text and status is None:
                raise ValueError(f"'{cell(cells, 'status')}' is not open, won or lost")
        except ValueError as exc:
            bad.append(BadRow(row.line, str(exc)))
            continue
        ref = _external_ref(source.format, cell(cells, "ref"), title or customer, dates["created"])
        if ref is not None and ref in seen_refs:
            bad.append(BadRow(row.line, f"it repeats the deal on line {seen_refs[ref]}"))
            continue
        if ref is not None:
            seen_refs[ref] = row.line
        deals.append(
            SourceDeal(
                row.line, ref, title or customer, customer, cell(cells, "stage"), status, amount,
                probability, dates["expected_close"], dates["created"], dates["won_time"],
                dates["lost_time"], cell(cells, "owner"), cell(cells, "lost_reason"),
            )
        )  # fmt: skip
    report(progress, total, total)
    return deals, bad


def _probability(text: str, mark: str) -> int | None:
    if not text:
        return None
    value = parse_amount(text.replace("%", ""), mark)  # type: ignore[arg-type]
    if not 0 <= value <= 100:
        raise ValueError(f"the probability {text} is not between 0 and 100")
    return int(value.to_integral_value())


def _external_ref(fmt: CrmFormat, ref: str, name: str, created: dt.date | None) -> str | None:
    if ref:
        return f"{fmt.key}:{ref}"[:200]
    if fmt.key == "salesforce" or fmt.key == "csv":
        # Without a record id, the name and created date identify the deal well enough.
        return f"{fmt.key}:{name}|{created.isoformat() if created else ''}"[:200]
    return None


# -- stages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageChoice:
    id: int
    name: str
    is_won: bool
    is_lost: bool

    @property
    def is_open(self) -> bool:
        return not (self.is_won or self.is_lost)


def crm_stage_names(deals: Sequence[SourceDeal]) -> list[str]:
    """The distinct stage names of the export (as first written), in order of appearance.
    Deals a Status column marks won or lost go to the won/lost stage whatever their stage."""
    names: dict[str, str] = {}
    for deal in deals:
        if deal.crm_stage and deal.status in (None, "open"):
            names.setdefault(normalise(deal.crm_stage), deal.crm_stage)
    return list(names.values())


def suggest_stage(name: str, stages: Sequence[StageChoice]) -> int | None:
    """The plan stage a CRM stage name means: same name, else a known synonym, else None."""
    wanted = normalise(name)
    for stage in stages:
        if normalise(stage.name) == wanted or stage_key(stage.name) == stage_key(name):
            return stage.id
    meaning = STAGE_SYNONYMS.get(stage_key(name))
    if meaning == "won":
        return next((s.id for s in stages if s.is_won), None)
    if meaning == "lost":
        return next((s.id for s in stages if s.is_lost), None)
    if meaning is not None:
        return next((s.id for s in stages if normalise(s.name) == normalise(meaning)), None)
    return None


def suggest_stages(names: Sequence[str], stages: Sequence[StageChoice]) -> dict[str, int | None]:
    """CRM stage name -> plan stage id, None where the user has to choose."""
    return {name: suggest_stage(name, stages) for name in names}


def default_stage_map(
    names: Sequence[str], stages: Sequence[StageChoice]
) -> tuple[dict[str, int], list[str]]:
    """The suggested mapping with unknown stages put in the first open stage (for the CLI),
    and the names that were unknown."""
    first_open = next((s.id for s in stages if s.is_open), stages[0].id if stages else 0)
    suggested = suggest_stages(names, stages)
    unknown = [name for name, stage_id in suggested.items() if stage_id is None]
    return {n: (i if i is not None else first_open) for n, i in suggested.items()}, unknown
