"""``app.py import-deals PLAN FILE [--skip-bad]`` as a real process on a real plan file."""

# ruff: noqa: E501  (the sample exports keep their real, long header lines)

from __future__ import annotations

from pathlib import Path

from cli_runner import run_app
from sqlalchemy import select

from planner.db.models import Deal, ImportBatch, Stage
from planner.db.plan import create_plan, open_plan

EXPORT = """Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Closed Lost Reason,Create Date
11,Wedding order,contractsent,2026-06-30,Anna Berg,"2,400.00",,2026-03-01
12,Café supply,Pilot running,2026-07-31,Anna Berg,850,,2026-03-04
13,Bad amount,Qualified,2026-07-31,,about 900,,2026-03-05
"""


def deals(path: Path) -> list[tuple[str | None, int, str]]:
    with open_plan(path) as plan, plan.session() as session:
        rows = session.execute(
            select(Deal.external_ref, Deal.amount_minor, Stage.name)
            .join(Stage, Stage.id == Deal.stage_id)
            .order_by(Deal.external_ref)
        ).all()
        batches = session.scalars(select(ImportBatch)).all()
        assert len(batches) == (1 if rows else 0)
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_bad_row_refuses_the_import_then_skip_bad_imports_the_rest(tmp_path: Path) -> None:
    plan_path = tmp_path / "shop.smplan"
    create_plan(plan_path, "Corner Bakery").close()
    export = tmp_path / "hubspot-deals.csv"
    export.write_text(EXPORT, encoding="utf-8-sig")

    refused = run_app("import-deals", str(plan_path), str(export), tmp_path=tmp_path)
    assert refused.returncode == 1
    assert "Line 4: 'about 900' is not an amount." in refused.stderr
    assert "Nothing was imported: 1 row cannot be read." in refused.stderr
    assert refused.stdout == ""
    assert deals(plan_path) == []

    done = run_app("import-deals", str(plan_path), str(export), "--skip-bad", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "2 new deals, 0 updated deals and 1 skipped row."
    assert "New sales reps: Anna Berg." in lines
    assert "Stages not in your pipeline ('Pilot running') were put in Lead." in lines
    assert "Line 4: 'about 900' is not an amount." in lines
    assert deals(plan_path) == [
        ("hubspot:11", 240000, "Negotiation"),
        ("hubspot:12", 85000, "Lead"),
    ]


def test_missing_file_is_one_sentence(tmp_path: Path) -> None:
    plan_path = tmp_path / "shop.smplan"
    create_plan(plan_path, "Corner Bakery").close()
    result = run_app("import-deals", str(plan_path), str(tmp_path / "nope.csv"), tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "The file nope.csv could not be found or opened."
