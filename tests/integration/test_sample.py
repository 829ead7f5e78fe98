"""The sample plan: what it promises (counts, seasonality, dates that follow today, a
consistent pipeline with history) and how it is written (deterministic, atomic, refusing to
overwrite). Numbers are read back with plain SQL from the real file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from planner.db.models import Deal
from planner.db.plan import PlanError, open_plan
from planner.domain.periods import FiscalQuarter, FiscalYear, Month, month_range
from planner.domain.pipeline import CHANNEL_KINDS, LIFECYCLE_STAGES, PRICING_APPROACHES
from planner.sample import easter_sunday, write_sample

TODAY = dt.date(2026, 11, 23)
CURRENT = Month.of(TODAY)
FOUR_PS = (
    "description", "target_customers", "value_proposition", "features", "lifecycle_stage",
    "pricing_approach", "discount_policy", "place", "promotion_message", "promotion_tactics",
)  # fmt: skip
TABLES = (
    "business_profile", "sales_rep", "offering", "segment", "channel", "channel_month",
    "segment_offering", "segment_channel", "offering_channel", "stage", "lost_reason", "deal",
    "deal_event", "target", "actual_sale",
)  # fmt: skip


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.smplan"
    write_sample(path, today=TODAY)
    return path


@pytest.fixture
def db(sample: Path) -> Iterator[sqlite3.Connection]:
    conn = connect(sample)
    yield conn
    conn.close()


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(connect(path)) as conn:
        return {
            t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1")] for t in TABLES
        }


def check_file_health(conn: sqlite3.Connection) -> None:
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_file_is_healthy_single_and_opens(sample: Path, db: sqlite3.Connection) -> None:
    check_file_health(db)
    with open_plan(sample) as plan, plan.session() as session:
        deal = session.get(Deal, 1)
        assert deal is not None and isinstance(deal.created_on, dt.date)
    profile = db.execute("SELECT * FROM business_profile").fetchone()
    assert (profile["name"], profile["currency"]) == ("Hartmann's Bakery & Catering", "EUR")


def test_offerings_have_the_whole_marketing_mix(db: sqlite3.Connection) -> None:
    offerings = db.execute("SELECT * FROM offering ORDER BY position").fetchall()
    assert 3 <= len(offerings) <= 4
    for row in offerings:
        for field in FOUR_PS:
            assert row[field].strip(), f"{row['name']}: {field} is empty"
        assert row["lifecycle_stage"] in LIFECYCLE_STAGES
        assert row["pricing_approach"] in PRICING_APPROACHES
        assert 0 < row["unit_cost_minor"] < row["list_price_minor"]
        links = db.execute(
            "SELECT sells, promotes, yearly_budget_minor FROM offering_channel "
            "WHERE offering_id = ?",
            (row["id"],),
        ).fetchall()
        assert any(link["promotes"] for link in links)
        assert sum(link["yearly_budget_minor"] for link in links) > 0
    assert [r["position"] for r in offerings] == list(range(len(offerings)))


def test_segments_and_channels(db: sqlite3.Connection) -> None:
    segments = db.execute("SELECT * FROM segment").fetchall()
    assert 3 <= len(segments) <= 4
    for row in segments:
        assert row["description"].strip() and row["needs"].strip()
        assert row["customers"] > 0 and row["yearly_value_minor"] > 0
        assert 0 < row["obtainable_bp"] < row["serviceable_bp"] <= 10_000
        assert row["growth_bp"] > 0 and row["priority"] in (1, 2, 3)
        for link in ("segment_offering", "segment_channel"):
            count = db.execute(f"SELECT COUNT(*) FROM {link} WHERE segment_id = ?", (row["id"],))
            assert count.fetchone()[0] >= 1
    channels = db.execute("SELECT * FROM channel").fetchall()
    assert 5 <= len(channels) <= 6
    assert all(row["kind"] in CHANNEL_KINDS and row["notes"] for row in channels)
    assert len({row["kind"] for row in channels}) == len(channels)


def test_channel_months_plan_to_year_end_and_actuals_to_today(db: sqlite3.Connection) -> None:
    first = CURRENT + -36
    months = [str(m) for m in month_range(first, Month(2026, 12))]
    for (channel_id,) in db.execute("SELECT id FROM channel").fetchall():
        rows = db.execute(
            "SELECT * FROM channel_month WHERE channel_id = ? ORDER BY month", (channel_id,)
        ).fetchall()
        assert [r["month"] for r in rows] == months
        for r in rows:
            has_actual = r["month"] <= str(CURRENT)
            assert (r["actual_spend_minor"] is not None) == has_actual
            assert (r["actual_leads"] is not None) == has_actual
        assert sum(r["planned_spend_minor"] for r in rows) > 0
        assert sum(r["planned_leads"] for r in rows) > 0
    # actuals differ from the plan (noise), but stay near it over a whole year
    planned, actual = db.execute(
        "SELECT SUM(planned_spend_minor), SUM(actual_spend_minor) FROM channel_month "
        "WHERE month BETWEEN '2025-01' AND '2025-12'"
    ).fetchone()
    assert planned != actual and 0.9 < actual / planned < 1.1


def test_actual_sales_cover_three_years_per_offering(db: sqlite3.Connection) -> None:
    expected = [str(m) for m in month_range(CURRENT + -36, CURRENT)]
    offerings = db.execute("SELECT id, list_price_minor FROM offering").fetchall()
    for offering_id, price in offerings:
        rows = db.execute(
            "SELECT month, revenue_minor, units FROM actual_sale WHERE offering_id = ? "
            "ORDER BY month",
            (offering_id,),
        ).fetchall()
        assert [r["month"] for r in rows] == expected  # 36 complete months and this one
        assert all(r["revenue_minor"] > 0 for r in rows)
        assert all(r["units"] == round(r["revenue_minor"] / price) for r in rows)
    # the current month holds only the days so far (23 of 30)
    now, before = (
        db.execute(
            "SELECT SUM(revenue_minor) FROM actual_sale WHERE month = ?", (str(month),)
        ).fetchone()[0]
        for month in (CURRENT, CURRENT + -12)
    )
    assert 0.6 < now / before < 1.0


def monthly_means(db: sqlite3.Connection, offering: str) -> dict[int, float]:
    rows = db.execute(
        "SELECT a.month, a.revenue_minor FROM actual_sale a JOIN offering o "
        "ON o.id = a.offering_id WHERE o.name = ? AND a.month < ?",
        (offering, str(CURRENT)),
    ).fetchall()
    by_month: dict[int, list[int]] = defaultdict(list)
    for month, revenue in rows:
        by_month[int(month[5:])].append(revenue)
    return {m: sum(values) / len(values) for m, values in by_month.items()}


def test_sales_have_real_seasonality_and_growth(db: sqlite3.Connection) -> None:
    bakery = monthly_means(db, "Bakery counter")
    year_mean = sum(bakery.values()) / 12
    assert bakery[12] > 1.35 * year_mean  # Christmas
    assert bakery[8] < year_mean  # summer holidays
    catering = monthly_means(db, "Catering for events & offices")
    mean = sum(catering.values()) / 12
    assert min(catering[5], catering[6], catering[12]) > 1.25 * mean
    assert max(catering[1], catering[2]) < 0.75 * mean
    webshop = monthly_means(db, "Web shop gift boxes")
    assert max(webshop, key=webshop.__getitem__) == 12
    assert webshop[5] > sum(webshop.values()) / 12  # Mother's Day
    # Easter moves between March and April; the web shop sells more in Easter's month
    by_month = dict(
        db.execute(
            "SELECT a.month, a.revenue_minor FROM actual_sale a JOIN offering o "
            "ON o.id = a.offering_id WHERE o.name = 'Web shop gift boxes'"
        ).fetchall()
    )
    for year in (2024, 2025, 2026):
        easter = easter_sunday(year).month
        other = 7 - easter  # the other of March (3) and April (4)
        assert by_month[f"{year}-{easter:02d}"] > 0.9 * by_month[f"{year}-{other:02d}"]
    totals = dict(
        db.execute(
            "SELECT substr(month, 1, 4), SUM(revenue_minor) FROM actual_sale GROUP BY 1"
        ).fetchall()
    )
    assert totals["2025"] > totals["2024"]  # modest growth
    assert totals["2025"] < 1.2 * totals["2024"]
    assert easter_sunday(2025) == dt.date(2025, 4, 20)
    assert easter_sunday(2024) == dt.date(2024, 3, 31)


def test_targets_for_this_and_last_fiscal_year(db: sqlite3.Connection) -> None:
    offerings = db.execute("SELECT COUNT(*) FROM offering").fetchone()[0]
    for fiscal_year in (FiscalYear(2025), FiscalYear(2026)):
        for month in fiscal_year.months:
            rows = db.execute(
                "SELECT offering_id, revenue_minor FROM target WHERE month = ?", (str(month),)
            ).fetchall()
            total = [r["revenue_minor"] for r in rows if r["offering_id"] is None]
            parts = [r["revenue_minor"] for r in rows if r["offering_id"] is not None]
            assert len(total) == 1 and len(parts) == offerings
            assert total[0] == sum(parts) > 0

    def year_sum(table: str, year: str, extra: str = "") -> int:
        sql = f"SELECT SUM(revenue_minor) FROM {table} WHERE substr(month, 1, 4) = ? {extra}"
        return int(db.execute(sql, (year,)).fetchone()[0])

    last_year = year_sum("actual_sale", "2025")
    target = year_sum("target", "2026", "AND offering_id IS NULL")
    assert 1.02 * last_year < target < 1.2 * last_year  # a bit above last year
    december, july = (
        db.execute(
            "SELECT revenue_minor FROM target WHERE month = ? AND offering_id IS NULL", (m,)
        ).fetchone()[0]
        for m in ("2026-12", "2026-07")
    )
    assert december > 1.3 * july  # the same seasonal shape as the actuals


def test_current_fiscal_quarter_has_actuals(db: sqlite3.Connection) -> None:
    quarter = FiscalQuarter.containing(TODAY, 1)
    months = tuple(str(m) for m in quarter.months)
    marks = ",".join("?" * 3)
    revenue = db.execute(
        f"SELECT SUM(revenue_minor) FROM actual_sale WHERE month IN ({marks})", months
    ).fetchone()[0]
    spend, leads = db.execute(
        f"SELECT SUM(actual_spend_minor), SUM(actual_leads) FROM channel_month "
        f"WHERE month IN ({marks})",
        months,
    ).fetchone()
    assert revenue > 0 and spend > 0 and leads > 0


def test_deals_cover_every_stage_consistently(db: sqlite3.Connection) -> None:
    deals = db.execute(
        "SELECT d.*, s.name AS stage, s.is_won, s.is_lost FROM deal d "
        "JOIN stage s ON s.id = d.stage_id"
    ).fetchall()
    assert len(deals) == 150
    stages = {name for (name,) in db.execute("SELECT name FROM stage")}
    counts = Counter(d["stage"] for d in deals)
    assert set(counts) == stages and min(counts.values()) >= 5
    earliest = TODAY - dt.timedelta(days=19 * 31)
    for d in deals:
        for column in ("offering_id", "segment_id", "channel_id", "owner_id"):
            assert d[column] is not None
        assert d["customer"] and d["title"] and d["amount_minor"] > 0
        created = dt.date.fromisoformat(d["created_on"])
        assert earliest <= created <= TODAY
        status = "won" if d["is_won"] else "lost" if d["is_lost"] else "open"
        assert d["status"] == status
        assert (d["lost_reason_id"] is not None) == (status == "lost")
        if status == "open":
            assert d["closed_on"] is None
        else:
            assert created <= dt.date.fromisoformat(d["closed_on"]) <= TODAY
    open_deals = [d for d in deals if d["status"] == "open"]
    future = [d for d in open_deals if d["expected_close"] >= TODAY.isoformat()]
    assert len(future) > 0.7 * len(open_deals)  # mostly expected in the coming months
    assert len(future) < len(open_deals)  # and some overdue
    assert any(d["probability"] is not None for d in open_deals)
    assert any(d["notes"] for d in deals)
    assert len({d["customer"] for d in deals}) > 140
    assert len({d["owner_id"] for d in deals}) >= 3
    assert len({d["lost_reason_id"] for d in deals if d["lost_reason_id"]}) >= 3


def test_every_deal_has_a_consistent_history(db: sqlite3.Connection) -> None:
    deals = {
        row["id"]: row
        for row in db.execute(
            "SELECT d.*, s.name AS stage FROM deal d JOIN stage s ON s.id = d.stage_id"
        )
    }
    events: dict[int, list[sqlite3.Row]] = defaultdict(list)
    for event in db.execute("SELECT * FROM deal_event ORDER BY deal_id, happened_on, id"):
        events[event["deal_id"]].append(event)
    assert set(events) == set(deals)
    slipped = 0
    for deal_id, history in events.items():
        deal = deals[deal_id]
        end = deal["closed_on"] or TODAY.isoformat()
        assert history[0]["kind"] == "created"
        assert history[0]["happened_on"] == deal["created_on"]
        assert all(deal["created_on"] <= e["happened_on"] <= end for e in history)
        stage = history[0]["new_value"]
        for event in history[1:]:
            assert event["kind"] in ("stage", "close_date", "won", "lost")
            if event["kind"] == "stage":
                assert event["old_value"] == stage
                stage = event["new_value"]
        assert stage == deal["stage"]
        closing = [e["kind"] for e in history if e["kind"] in ("won", "lost")]
        assert closing == ([deal["status"]] if deal["status"] != "open" else [])
        moves = [e for e in history if e["kind"] == "close_date"]
        if moves:
            slipped += 1
            assert moves[-1]["new_value"] == deal["expected_close"]
            assert all(m["old_value"] < m["new_value"] for m in moves)
    assert slipped >= 5


def test_won_revenue_is_plausible_against_actuals(db: sqlite3.Connection) -> None:
    won = db.execute(
        "SELECT SUM(amount_minor) FROM deal WHERE status = 'won' AND closed_on >= '2025-11-23'"
    ).fetchone()[0]
    actual = db.execute(
        "SELECT SUM(revenue_minor) FROM actual_sale WHERE month >= '2025-11'"
    ).fetchone()[0]
    assert 0.02 * actual < won < 0.5 * actual


def test_same_seed_and_day_give_the_same_plan(sample: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.smplan"
    write_sample(again, today=TODAY)
    assert dump(again) == dump(sample)
    other_seed = tmp_path / "seed.smplan"
    write_sample(other_seed, today=TODAY, seed=8)
    assert dump(other_seed)["deal"] != dump(sample)["deal"]


def test_a_later_today_moves_every_date(tmp_path: Path) -> None:
    # 5 January: the first days of a fiscal year still show actuals in the current quarter
    path = tmp_path / "january.smplan"
    write_sample(path, today=dt.date(2028, 1, 5))
    with closing(connect(path)) as conn:
        check_file_health(conn)
        months = [m for (m,) in conn.execute("SELECT DISTINCT month FROM actual_sale")]
        assert (min(months), max(months)) == ("2025-01", "2028-01")
        assert (
            conn.execute(
                "SELECT SUM(revenue_minor) FROM actual_sale WHERE month = '2028-01'"
            ).fetchone()[0]
            > 0
        )
        assert tuple(
            conn.execute(
                "SELECT MAX(month), COUNT(DISTINCT month) FROM target WHERE offering_id IS NULL"
            ).fetchone()
        ) == ("2028-12", 24)
        assert conn.execute("SELECT MAX(month) FROM channel_month").fetchone()[0] == "2028-12"
        latest = conn.execute("SELECT MAX(happened_on) FROM deal_event").fetchone()[0]
        assert "2027-12-01" < latest <= "2028-01-05"


def test_refuses_an_existing_file_unless_told(tmp_path: Path) -> None:
    path = tmp_path / "mine.smplan"
    path.write_bytes(b"my own data")
    with pytest.raises(PlanError, match="already exists"):
        write_sample(path, today=TODAY)
    assert path.read_bytes() == b"my own data"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.smplan"]
    write_sample(path, today=TODAY, deals=10, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.smplan"]  # one complete file
    with closing(connect(path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM deal").fetchone()[0] == 10
    with pytest.raises(PlanError, match="does not exist"):
        write_sample(tmp_path / "missing" / "x.smplan")
    with pytest.raises(ValueError, match="negative"):
        write_sample(tmp_path / "bad.smplan", deals=-1)
    with pytest.raises(ValueError, match="1 to 50 years"):
        write_sample(tmp_path / "bad.smplan", years=0)


def test_a_failure_half_way_leaves_no_file(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def stop(done: int, total: int) -> None:
        calls.append((done, total))
        if done > 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_sample(tmp_path / "half.smplan", deals=25_000, progress=stop)
    assert calls[0] == (0, 25_001) and len(calls) == 3
    assert list(tmp_path.iterdir()) == []


def test_a_large_plan_has_the_same_shape(tmp_path: Path) -> None:
    path = tmp_path / "large.smplan"
    calls: list[tuple[int, int]] = []
    write_sample(path, deals=2000, years=5, today=TODAY, progress=lambda *a: calls.append(a))
    assert [p.name for p in tmp_path.iterdir()] == ["large.smplan"]  # no temporary files left
    assert calls[0] == (0, 2001) and calls[-1] == (2001, 2001)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    with closing(connect(path)) as conn:
        check_file_health(conn)

        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        assert count("SELECT COUNT(*) FROM deal") == 2000
        assert count("SELECT COUNT(DISTINCT stage_id) FROM deal") == 6
        assert count("SELECT COUNT(DISTINCT month) FROM actual_sale") == 61
        assert count("SELECT COUNT(*) FROM actual_sale") == 61 * 4
        assert count("SELECT COUNT(*) FROM channel_month") == 6 * (61 + 1)
        assert count("SELECT COUNT(DISTINCT deal_id) FROM deal_event") == 2000
        assert (
            count("SELECT COUNT(*) FROM deal WHERE status = 'lost' AND lost_reason_id IS NULL") == 0
        )
        assert count("SELECT COUNT(DISTINCT customer) FROM deal") > 1500
        assert count("SELECT MIN(created_on) < '2025-05-01' FROM deal") == 1


def test_deals_spread_over_the_history_but_not_before_it(tmp_path: Path) -> None:
    path = tmp_path / "busy.smplan"
    write_sample(path, deals=3000, years=2, today=TODAY)  # about 100 new deals a month
    with closing(connect(path)) as conn:
        first, last = conn.execute("SELECT MIN(created_on), MAX(created_on) FROM deal").fetchone()
    assert "2024-11-01" <= first < "2025-01-01"
    assert last <= TODAY.isoformat()
