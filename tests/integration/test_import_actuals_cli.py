"""``app.py import-actuals`` as a real process: bad lines refuse the whole file (exit 1,
nothing stored), --skip-bad imports the rest, a second run adds nothing, errors are one
sentence."""

from __future__ import annotations

from pathlib import Path

from cli_runner import run_app
from sqlalchemy import func, select

from planner.db.models import ActualSale, BusinessProfile, ImportBatch, Offering
from planner.db.plan import create_plan, open_plan

SALES = (
    "Date,Product,Qty,Amount\n"
    "03/15/2026,Tea,2,$10.00\n"  # month first: 15 cannot be a month
    "03/20/2026,Cake,1,$4.50\n"
    "04/02/2026,Tea,-1,$5.00\n"  # a return
    "04/03/2026,Tea,1,n/a\n"
)


def make_plan(tmp_path: Path) -> Path:
    path = tmp_path / "shop.smplan"
    plan = create_plan(path, "Tea Shop", currency="USD")
    with plan.uow() as uow:
        uow.session.add(Offering(name="Tea"))
        uow.commit()
    plan.close()
    return path


def actuals(path: Path) -> dict[tuple[str, str | None], tuple[int, int | None]]:
    with open_plan(path) as plan, plan.session() as s:
        names = {o.id: o.name for o in s.scalars(select(Offering))}
        return {
            (str(a.month), names.get(a.offering_id)): (a.revenue_minor, a.units)
            for a in s.scalars(select(ActualSale))
        }


def test_bad_line_refuses_then_skip_bad_imports_the_rest(tmp_path: Path) -> None:
    plan = make_plan(tmp_path)
    sales = tmp_path / "sales.csv"
    sales.write_text(SALES, encoding="utf-8")
    refused = run_app("import-actuals", str(plan), str(sales), tmp_path=tmp_path)
    assert refused.returncode == 1
    assert "Line 5: 'n/a' is not an amount" in refused.stderr
    assert "Nothing was imported" in refused.stderr
    assert actuals(plan) == {}
    done = run_app("import-actuals", str(plan), str(sales), "--skip-bad", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    # March: Tea 10.00 (2 units), Cake not matched -> not assigned 4.50 (1 unit);
    # April: the Tea return, -5.00 and -1 unit.
    assert actuals(plan) == {
        ("2026-03", "Tea"): (1000, 2),
        ("2026-03", None): (450, 1),
        ("2026-04", "Tea"): (-500, -1),
    }
    assert "March 2026: USD 14.50, 3 units (2 lines)" in done.stdout
    assert "line 5: 'n/a' is not an amount" in done.stdout
    again = run_app("import-actuals", str(plan), str(sales), "--skip-bad", tmp_path=tmp_path)
    assert again.returncode == 0
    assert "3 lines were imported before" in again.stdout
    assert len(actuals(plan)) == 3 and actuals(plan)[("2026-03", "Tea")] == (1000, 2)
    with open_plan(plan) as p, p.session() as s:
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 1
        assert s.get(BusinessProfile, 1).currency == "USD"


def test_date_order_option_and_one_sentence_errors(tmp_path: Path) -> None:
    plan = make_plan(tmp_path)
    sales = tmp_path / "ambiguous.csv"
    sales.write_text("Date,Amount\n01/02/2026,7\n", encoding="utf-8")
    done = run_app("import-actuals", str(plan), str(sales), "--date-order", "MDY",
                   tmp_path=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert actuals(plan) == {("2026-01", None): (700, None)}
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run_app("import-actuals", str(plan), str(empty), tmp_path=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (1, "The file empty.csv is empty.")
    binary = tmp_path / "data.csv"
    binary.write_bytes(bytes(range(256)))
    result = run_app("import-actuals", str(plan), str(binary), tmp_path=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "data.csv is not a text or Excel file.",
    )


def test_a_plan_open_in_a_window_is_not_written_by_an_import(tmp_path: Path) -> None:
    # A window holds the plan's lock; the command must not write under it.
    from planner.instance_lock import PlanLock

    plan = make_plan(tmp_path)
    sales = tmp_path / "sales.csv"
    sales.write_text("Date,Product,Amount\n2026-03-15,Tea,10.00\n", encoding="utf-8")
    before = plan.read_bytes()
    lock = PlanLock.acquire(plan)
    try:
        refused = run_app("import-actuals", str(plan), str(sales), tmp_path=tmp_path)
    finally:
        lock.release()
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1
    assert "is open in another window of the planner" in refused.stderr
    assert "Close it there first" in refused.stderr
    assert plan.read_bytes() == before
    done = run_app("import-actuals", str(plan), str(sales), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert actuals(plan) == {("2026-03", "Tea"): (1000, None)}
    assert not (tmp_path / "shop.smplan.lock").exists()
