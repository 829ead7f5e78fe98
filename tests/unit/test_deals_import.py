"""Importing deals from HubSpot, Salesforce and Pipedrive exports built here as small files."""

# ruff: noqa: E501  (the sample exports keep their real, long header lines)

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from planner.db.models import Deal, DealEvent, ImportBatch, LostReason, SalesRep, Stage
from planner.db.plan import Plan
from planner.io.crm_formats import detect_format
from planner.io.deals_import import (
    DealsImportOptions,
    DealsSource,
    crm_stage_names,
    default_stage_map,
    parse_deals,
    plan_stages,
    prepare_import,
    read_deals_file,
    suggest_stages,
)
from planner.services.commands import execute, undo
from planner.services.errors import ValidationError

TODAY = dt.date(2026, 4, 10)

HUBSPOT = """Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Closed Lost Reason,Create Date,Pipeline,Associated Company
101,Website redesign,appointmentscheduled,2026-03-31,Anna Berg,"1,250.50",,2026-01-05 09:12,Sales Pipeline,Acme GmbH
102,Catering contract,Closed Won,2026-02-14,Ben Ortiz,3000,,2026-01-10,Sales Pipeline,Blue Cafe
103,Wedding cake,closedlost,2026-02-20,Anna Berg,800,price too high,2026-01-12,Sales Pipeline,
104,Office lunches,Pilot running,2026-04-30,,450,,2026-02-01,Sales Pipeline,Corner Office
"""

SALESFORCE = """Opportunity Name,Account Name,Stage,Amount,Probability (%),Close Date,Created Date,Opportunity Owner,Loss Reason
Spring menu,Green Deli,Proposal/Price Quote,"$2,500.00",60%,3/15/2026,1/20/2026,Carla Diaz,
Bread supply,Hotel Luna,Closed Lost,$900.00,0,2/28/2026,1/05/2026,Carla Diaz,Went with a rival
"""

PIPEDRIVE = """ID;Title;Value;Stage;Status;Expected close date;Lost reason;Organization;Owner;Deal created;Won time;Lost time
7;Event catering;1.200,00;Negotiations Started;won;30.03.2026;;Fest AG;Anna Berg;02.01.2026 10:00;25.03.2026 14:00;
8;Birthday cakes;300,00;Contact Made;open;15.04.2026;;;Dan Fox;14.02.2026;;
9;Office party;650,00;Proposal Made;lost;20.03.2026;No budget;Big Corp;Anna Berg;05.01.2026;;18.03.2026
"""


def write(tmp_path: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding=encoding, newline="")
    return path


def run_import(plan: Plan, source: DealsSource, **options: Any) -> Any:
    """Prepare with the suggested stages (+ ``stage_map`` overrides) and apply it."""
    with plan.session() as session:
        names = crm_stage_names(parse_deals(source)[0])
        stages = {k: v for k, v in suggest_stages(names, plan_stages(session)).items() if v}
    stages.update(options.pop("stage_map", {}))
    with plan.uow() as uow:
        command, summary = prepare_import(
            uow.session, source, DealsImportOptions(stages, **options), today=TODAY
        )
    execute(plan, command)
    return command, summary


def stage_id(plan: Plan, name: str) -> int:
    with plan.session() as session:
        return session.scalars(select(Stage.id).where(Stage.name == name)).one()


def deals_by_ref(plan: Plan) -> dict[str, dict[str, Any]]:
    with plan.session() as session:
        stages = {s.id: s.name for s in session.scalars(select(Stage))}
        reps = {r.id: r.name for r in session.scalars(select(SalesRep))}
        reasons = {r.id: r.name for r in session.scalars(select(LostReason))}
        out = {}
        for deal in session.scalars(select(Deal)):
            out[deal.external_ref or ""] = {
                "customer": deal.customer, "title": deal.title, "amount": deal.amount_minor,
                "probability": deal.probability, "stage": stages[deal.stage_id],
                "status": deal.status, "close": deal.expected_close, "created": deal.created_on,
                "closed": deal.closed_on, "owner": reps.get(deal.owner_id or 0),
                "reason": reasons.get(deal.lost_reason_id or 0), "id": deal.id,
            }  # fmt: skip
        return out


def snapshot(plan: Plan) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("deal", "deal_event", "sales_rep", "lost_reason", "import_batch", "import_mapping")
    with plan.session() as session:
        return {
            t: [tuple(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
            for t in tables
        }


def test_formats_are_recognised_from_headers() -> None:
    hub, mapping = detect_format(HUBSPOT.splitlines()[0].split(","))
    assert hub.key == "hubspot" and mapping["customer"] == 9 and mapping["ref"] == 0
    api = ["Name", "StageName", "Amount", "Probability", "CloseDate", "CreatedDate", "Owner"]
    sf, mapping = detect_format(["  " + h.upper() + " " for h in api] + ["AccountName"])
    assert sf.key == "salesforce"
    assert mapping == {
        "title": 0, "stage": 1, "amount": 2, "probability": 3, "expected_close": 4,
        "created": 5, "owner": 6, "customer": 7,
    }  # fmt: skip
    report, mapping = detect_format(SALESFORCE.splitlines()[0].split(","))
    assert report.key == "salesforce" and mapping["probability"] == 4
    assert mapping["lost_reason"] == 8
    pipe, mapping = detect_format(PIPEDRIVE.splitlines()[0].split(";"))
    assert pipe.key == "pipedrive" and mapping["status"] == 4 and mapping["won_time"] == 10
    other, mapping = detect_format(["Customer", "Deal", "Value", "Phase"])
    assert other.key == "csv"
    assert mapping == {"customer": 0, "title": 1, "amount": 2, "stage": 3}


def test_stage_suggestions_use_names_and_synonyms(empty_plan: Plan) -> None:
    with empty_plan.session() as session:
        stages = plan_stages(session)
    ids = {s.name: s.id for s in stages}
    names = ["appointmentscheduled", "Closed Won", "closedlost", "contractsent", "proposal",
             "Qualified To Buy", "Pilot running"]  # fmt: skip
    assert suggest_stages(names, stages) == {
        "appointmentscheduled": ids["Qualified"], "Closed Won": ids["Won"],
        "closedlost": ids["Lost"], "contractsent": ids["Negotiation"],
        "proposal": ids["Proposal"], "Qualified To Buy": ids["Qualified"],
        "Pilot running": None,
    }  # fmt: skip
    mapping, unknown = default_stage_map(names, stages)
    assert unknown == ["Pilot running"] and mapping["Pilot running"] == ids["Lead"]


def test_hubspot_import_maps_stages_owners_reasons_and_dates(
    empty_plan: Plan, tmp_path: Path
) -> None:
    source = read_deals_file(write(tmp_path, "hubspot.csv", HUBSPOT))
    assert source.format.key == "hubspot"
    with pytest.raises(ValidationError, match="Pilot running"):
        run_import(empty_plan, source)  # the unknown stage must be mapped first
    assert snapshot(empty_plan)["deal"] == []
    _command, summary = run_import(
        empty_plan, source, stage_map={"Pilot running": stage_id(empty_plan, "Proposal")}
    )
    assert (summary.new, summary.updated, summary.skipped) == (4, 0, ())
    assert summary.new_owners == ("Anna Berg", "Ben Ortiz") and summary.new_reasons == ()
    deals = deals_by_ref(empty_plan)
    first = deals["hubspot:101"]
    assert first["customer"] == "Acme GmbH" and first["title"] == "Website redesign"
    assert first["amount"] == 125050 and first["stage"] == "Qualified"
    assert first["status"] == "open" and first["owner"] == "Anna Berg"
    assert first["created"] == dt.date(2026, 1, 5) and first["close"] == dt.date(2026, 3, 31)
    won = deals["hubspot:102"]
    assert (won["stage"], won["status"], won["closed"]) == ("Won", "won", dt.date(2026, 2, 14))
    lost = deals["hubspot:103"]
    assert lost["customer"] == "Wedding cake"  # no company: the deal name
    assert (lost["status"], lost["reason"]) == ("lost", "Price too high")
    assert deals["hubspot:104"]["stage"] == "Proposal" and deals["hubspot:104"]["owner"] is None
    with empty_plan.session() as session:
        events = session.execute(
            select(Deal.external_ref, DealEvent.kind, DealEvent.new_value, DealEvent.happened_on)
            .join(Deal, Deal.id == DealEvent.deal_id)
            .order_by(DealEvent.id)
        ).all()
        batch = session.scalars(select(ImportBatch)).one()
        batch_row = (batch.kind, batch.file_name, batch.rows_imported, batch.rows_skipped)
        digest = batch.file_sha256
    assert ("hubspot:102", "won", "", dt.date(2026, 2, 14)) in events
    assert ("hubspot:103", "lost", "price too high", dt.date(2026, 2, 20)) in events
    assert ("hubspot:101", "created", "Qualified", dt.date(2026, 1, 5)) in events
    assert len(events) == 6
    assert batch_row == ("deals", "hubspot.csv", 4, 0)
    assert len(digest) == 64


def test_importing_again_updates_instead_of_duplicating(empty_plan: Plan, tmp_path: Path) -> None:
    proposal = {"Pilot running": stage_id(empty_plan, "Proposal")}
    run_import(empty_plan, read_deals_file(write(tmp_path, "a.csv", HUBSPOT)), stage_map=proposal)
    ids = {ref: d["id"] for ref, d in deals_by_ref(empty_plan).items()}
    _c, again = run_import(
        empty_plan, read_deals_file(write(tmp_path, "a.csv", HUBSPOT)), stage_map=proposal
    )
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    changed = HUBSPOT.replace('appointmentscheduled,2026-03-31,Anna Berg,"1,250.50"',
                              'contractsent,2026-04-15,Anna Berg,"1,400.00"')  # fmt: skip
    changed += "105,Corporate gifts,Lead,2026-06-01,Ben Ortiz,99.90,,2026-04-01,Sales Pipeline,Gift Co\n"  # fmt: skip
    _c, third = run_import(
        empty_plan, read_deals_file(write(tmp_path, "b.csv", changed)), stage_map=proposal
    )
    assert (third.new, third.updated, third.unchanged) == (1, 1, 3)
    deals = deals_by_ref(empty_plan)
    assert len(deals) == 5
    assert {ref: d["id"] for ref, d in deals.items() if ref != "hubspot:105"} == ids
    updated = deals["hubspot:101"]
    assert (updated["amount"], updated["stage"], updated["close"]) == (
        140000, "Negotiation", dt.date(2026, 4, 15),
    )  # fmt: skip
    with empty_plan.uow() as uow:
        # Edits made in the planner to what the export does not carry survive a re-import.
        gifts = uow.session.scalars(select(Deal).where(Deal.external_ref == "hubspot:104")).one()
        gifts.probability = 40
        gifts.owner_id = uow.session.scalars(select(SalesRep.id)).first()
        uow.commit()
    _c, fourth = run_import(
        empty_plan, read_deals_file(write(tmp_path, "b.csv", changed)), stage_map=proposal
    )
    assert (fourth.new, fourth.updated, fourth.unchanged) == (0, 0, 5)
    kept = deals_by_ref(empty_plan)["hubspot:104"]
    assert (kept["probability"], kept["owner"]) == (40, "Anna Berg")
    with empty_plan.session() as session:
        kinds = session.execute(
            select(DealEvent.kind, DealEvent.old_value, DealEvent.new_value, DealEvent.happened_on)
            .where(DealEvent.deal_id == ids["hubspot:101"])
            .order_by(DealEvent.id)
        ).all()
    assert kinds[1:] == [("stage", "Qualified", "Negotiation", TODAY),
                         ("close_date", "2026-03-31", "2026-04-15", TODAY)]  # fmt: skip


def test_salesforce_report_probability_month_first_and_new_reason(
    empty_plan: Plan, tmp_path: Path
) -> None:
    source = read_deals_file(write(tmp_path, "sf.csv", SALESFORCE))
    assert source.format.key == "salesforce"
    _c, summary = run_import(empty_plan, source)
    assert summary.new_owners == ("Carla Diaz",) and summary.new_reasons == ("Went with a rival",)
    deals = deals_by_ref(empty_plan)
    spring = deals["salesforce:Spring menu|2026-01-20"]
    assert (spring["amount"], spring["probability"], spring["stage"]) == (250000, 60, "Proposal")
    assert spring["customer"] == "Green Deli" and spring["close"] == dt.date(2026, 3, 15)
    lost = deals["salesforce:Bread supply|2026-01-05"]
    assert (lost["status"], lost["reason"], lost["closed"]) == (
        "lost", "Went with a rival", dt.date(2026, 2, 28),
    )  # fmt: skip


def test_unknown_owners_can_stay_unassigned(empty_plan: Plan, tmp_path: Path) -> None:
    source = read_deals_file(write(tmp_path, "sf.csv", SALESFORCE))
    _c, summary = run_import(empty_plan, source, create_owners=False)
    assert summary.new_owners == ()
    assert {d["owner"] for d in deals_by_ref(empty_plan).values()} == {None}
    assert snapshot(empty_plan)["sales_rep"] == []


def test_pipedrive_status_decides_won_and_lost(empty_plan: Plan, tmp_path: Path) -> None:
    source = read_deals_file(write(tmp_path, "pd.csv", "\ufeff" + PIPEDRIVE))
    assert source.format.key == "pipedrive"
    _c, summary = run_import(empty_plan, source)
    assert (summary.new, summary.new_reasons) == (3, ())
    # Won and lost deals go to the won/lost stage: only open deals' stages need mapping.
    assert crm_stage_names(parse_deals(source)[0]) == ["Contact Made"]
    deals = deals_by_ref(empty_plan)
    won = deals["pipedrive:7"]
    assert (won["stage"], won["status"], won["amount"]) == ("Won", "won", 120000)
    assert won["closed"] == dt.date(2026, 3, 25) and won["created"] == dt.date(2026, 1, 2)
    assert deals["pipedrive:8"]["stage"] == "Qualified"
    assert deals["pipedrive:8"]["customer"] == "Birthday cakes"
    lost = deals["pipedrive:9"]
    assert (lost["stage"], lost["reason"], lost["closed"]) == (
        "Lost", "No budget", dt.date(2026, 3, 18),
    )  # fmt: skip


BAD = (
    "Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Closed Lost Reason,Create Date\n"
    "1,Good deal,Qualified,2026-05-01,,100,,2026-01-01\n"
    "2,,Qualified,2026-05-01,,100,,2026-01-01\n"
    "3,Bad amount,Qualified,2026-05-01,,lots,,2026-01-01\n"
    "4,Bad date,Qualified,2026-13-45,,100,,2026-01-01\n"
    "5,Another good one,Proposal,2026-05-01,,250,,2026-01-01\n"
    "6,No amount yet,Lead,,,,,2026-01-01\n"
)


def test_bad_rows_stop_the_whole_import_unless_skipped(empty_plan: Plan, tmp_path: Path) -> None:
    source = read_deals_file(write(tmp_path, "bad.csv", BAD))
    _deals, bad = parse_deals(source)
    assert [(b.line, b.reason) for b in bad] == [
        (3, "the deal has no name"), (4, "'lots' is not an amount"),
        (5, "'2026-13-45' is not a date"),
    ]  # fmt: skip
    with pytest.raises(ValidationError, match=r"3 rows cannot be imported \(Line 3"):
        run_import(empty_plan, source)
    before = snapshot(empty_plan)
    assert before["deal"] == before["import_batch"] == before["sales_rep"] == []
    _c, summary = run_import(empty_plan, source, skip_bad=True)
    assert (summary.new, len(summary.skipped)) == (3, 3)
    assert "Line 4: 'lots' is not an amount." in summary.lines()
    imported = deals_by_ref(empty_plan)
    assert sorted(imported) == ["hubspot:1", "hubspot:5", "hubspot:6"]
    assert (imported["hubspot:6"]["amount"], imported["hubspot:6"]["close"]) == (0, None)


def test_undo_restores_exactly_and_redo_recreates_the_same_rows(
    empty_plan: Plan, tmp_path: Path
) -> None:
    proposal = {"Pilot running": stage_id(empty_plan, "Proposal")}
    run_import(empty_plan, read_deals_file(write(tmp_path, "a.csv", HUBSPOT)), stage_map=proposal)
    before = snapshot(empty_plan)
    changed = HUBSPOT.replace("Pilot running,2026-04-30,,450", "closedlost,2026-04-30,Eve Ng,450")
    changed = changed.replace(",450,,2026-02-01", ",450,Chose a cheaper caterer,2026-02-01")
    changed += "106,Lunch boxes,Lead,2026-06-01,Eve Ng,120,,2026-04-02,Sales Pipeline,\n"
    command, summary = run_import(empty_plan, read_deals_file(write(tmp_path, "b.csv", changed)))
    assert (summary.new, summary.updated) == (1, 1)
    assert summary.new_owners == ("Eve Ng",)
    assert summary.new_reasons == ("Chose a cheaper caterer",)
    after = snapshot(empty_plan)
    assert deals_by_ref(empty_plan)["hubspot:104"]["owner"] == "Eve Ng"
    undo(empty_plan, command)
    assert snapshot(empty_plan) == before
    execute(empty_plan, command)
    assert snapshot(empty_plan) == after


def test_excel_export_is_read_like_csv(empty_plan: Plan, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["Title", "Value", "Stage", "Status", "Organization", "Owner", "Deal created", "ID"]
    )
    sheet.append(["Shop fit-out", 4200.5, "Proposal Made", "open", "Nordic Tea", "Anna Berg",
                  dt.datetime(2026, 3, 2, 0, 0), 31])  # fmt: skip
    path = tmp_path / "pipedrive.xlsx"
    book.save(path)
    source = read_deals_file(path)
    assert source.format.key == "pipedrive"
    run_import(empty_plan, source)
    deal = deals_by_ref(empty_plan)["pipedrive:31"]
    assert (deal["amount"], deal["stage"], deal["created"]) == (
        420050, "Proposal", dt.date(2026, 3, 2),
    )  # fmt: skip


def test_columns_chosen_for_other_files_are_remembered(empty_plan: Plan, tmp_path: Path) -> None:
    path = write(tmp_path, "jobs.csv", "Client;Job;Worth;Phase\nRiver Hotel;Buffet;1.500,00;Lead\n")
    source = read_deals_file(path, empty_plan)
    assert source.format.key == "csv" and not source.remembered
    assert source.mapping == {"customer": 0, "stage": 3}
    chosen = source.with_mapping({"customer": 0, "title": 1, "amount": 2, "stage": 3})
    before = snapshot(empty_plan)
    command, _summary = run_import(empty_plan, chosen)
    again = read_deals_file(path, empty_plan)
    assert again.remembered and again.mapping == chosen.mapping
    assert deals_by_ref(empty_plan)["csv:Buffet|"]["amount"] == 150000
    undo(empty_plan, command)
    assert snapshot(empty_plan) == before
    assert not read_deals_file(path, empty_plan).remembered
