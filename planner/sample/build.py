"""The sample plan: a believable small bakery with years of history, built in a second.

``write_sample`` writes "Hartmann's Bakery & Catering" (source data in
``planner.sample.data``): offerings with the full marketing mix, segments, channels with
monthly planned and actual spend and leads, monthly actual sales with real seasonality,
revenue targets for the previous and the current fiscal year, and a pipeline of deals with
their stage history. Every date follows ``today``, so the current fiscal quarter always has
data; the same seed and ``today`` always give the same plan.

Deal history uses these event kinds: ``created`` (new value: the first stage), ``stage``
(old and new stage names), ``close_date`` (old and new expected close as ISO dates), then
``won`` or ``lost`` (for ``lost`` the new value is the lost reason).

The same code makes the large benchmark plans (``app.py demo --deals N --years Y``): rows go
in with Core ``executemany`` in one transaction, with explicit ids so links need no round
trips, and deals are generated and written in chunks so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, insert, select

from planner.db.models import (
    ActualSale,
    Channel,
    ChannelMonth,
    Deal,
    DealEvent,
    LostReason,
    Offering,
    OfferingChannel,
    SalesRep,
    Segment,
    SegmentChannel,
    SegmentOffering,
    Stage,
    Target,
)
from planner.db.plan import SUFFIX, PlanError, create_plan
from planner.domain.periods import FiscalYear, Month, month_range
from planner.sample import data
from planner.sample.deals import StageInfo, _DealMaker

Progress = Callable[[int, int], None]
T = TypeVar("T")

_SPEND_GROWTH = 1.06  # each year's marketing budget is this much bigger than the last
_TARGET_UPLIFT = 1.01  # targets ask a little more than the trend would bring
_DEAL_CHUNK = 10_000


def write_sample(
    path: str | os.PathLike[str],
    *,
    deals: int = 150,
    years: int = 3,
    today: dt.date | None = None,
    seed: int = 7,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> None:
    """Write the sample plan to ``path``: ``years`` of monthly history and ``deals`` deals.

    The file appears only when it is complete. An existing file is refused with
    ``PlanError`` unless ``overwrite`` is true. ``progress(done, total)`` is called as the
    deals are written.
    """
    if deals < 0:
        raise ValueError(f"The number of deals cannot be negative ({deals}).")
    if not 1 <= years <= 50:
        raise ValueError(f"The sample's history is 1 to 50 years long, not {years}.")
    today = today or dt.date.today()
    path = Path(path)
    if not path.parent.exists():
        raise PlanError(f"The folder '{path.parent}' does not exist.")
    if path.exists() and not overwrite:
        raise PlanError(f"'{path.name}' already exists.")
    fd, tmp_name = tempfile.mkstemp(prefix=".sample-", suffix=SUFFIX, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        plan = create_plan(
            tmp,
            data.BUSINESS_NAME,
            currency=data.CURRENCY,
            fiscal_start_month=data.FISCAL_START_MONTH,
        )
        try:
            with plan.uow() as uow:
                builder = _Builder(uow.session.connection(), random.Random(seed), today, years)
                builder.build(deals, progress)
                uow.commit()
        finally:
            plan.close()
        if path.exists() and not overwrite:
            raise PlanError(f"'{path.name}' already exists.")
        # A journal left by an earlier file of this name must never be replayed into ours.
        for leftover in _sidecars(path):
            leftover.unlink(missing_ok=True)
        os.replace(tmp, path)
    except BaseException:
        for leftover in (tmp, *_sidecars(tmp)):
            leftover.unlink(missing_ok=True)
        raise


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of ``year`` (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@dataclass(frozen=True)
class _Calendar:
    today: dt.date
    current: Month  # the month of today, written only to date
    first: Month  # the first month of history
    fiscal_year: FiscalYear  # the current fiscal year
    fraction: float  # how much of the current month has passed

    @classmethod
    def of(cls, today: dt.date, years: int) -> _Calendar:
        current = Month.of(today)
        return cls(
            today=today,
            current=current,
            first=current + -12 * years,
            fiscal_year=FiscalYear.containing(current, data.FISCAL_START_MONTH),
            fraction=today.day / current.last_day.day,
        )


class _Builder:
    """Writes every table of the sample in one transaction on ``conn``."""

    def __init__(self, conn: Connection, rng: random.Random, today: dt.date, years: int) -> None:
        self.conn = conn
        self.rng = rng
        self.cal = _Calendar.of(today, years)
        self.offering_ids = {spec.key: n for n, spec in enumerate(data.OFFERINGS, 1)}
        self.segment_ids = {spec.key: n for n, spec in enumerate(data.SEGMENTS, 1)}
        self.channel_ids = {spec.key: n for n, spec in enumerate(data.CHANNELS, 1)}
        self.rep_ids = {name: n for n, name in enumerate(data.REPS, 1)}

    def build(self, deals: int, progress: Progress | None) -> None:
        total = deals + 1
        if progress:
            progress(0, total)
        self._write_setup()
        self._write_channel_months()
        self._write_actuals_and_targets()
        if progress:
            progress(1, total)
        maker = _DealMaker(self, self._deal_window_days(deals))
        for start in range(0, deals, _DEAL_CHUNK):
            rows, events = maker.make(start, min(start + _DEAL_CHUNK, deals))
            self._insert(Deal, rows)
            self._insert(DealEvent, events)
            if progress:
                progress(1 + start + len(rows), total)

    def _insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(model), rows)

    def _deal_window_days(self, deals: int) -> int:
        # About 18 months of deals for the sample; a large benchmark plan spreads its deals
        # over more months (about 100 new deals a month) instead of piling them up, but no
        # deal is older than the history of actuals.
        months = min(self.cal.current - self.cal.first, max(18, deals // 100))
        return int(months * 30.44)

    def _write_setup(self) -> None:
        self._insert(
            SalesRep,
            [{"id": n, "name": name, "position": n - 1, "active": True}
             for name, n in self.rep_ids.items()],
        )  # fmt: skip
        self._insert(
            Offering,
            [{"id": n, "position": n - 1, "archived": False, **spec.row}
             for n, spec in enumerate(data.OFFERINGS, 1)],
        )  # fmt: skip
        self._insert(
            Segment,
            [{"id": n, "position": n - 1, **spec.row} for n, spec in enumerate(data.SEGMENTS, 1)],
        )
        self._insert(
            Channel,
            [{"id": n, "name": spec.name, "kind": spec.kind, "position": n - 1,
              "notes": spec.notes, "archived": False}
             for n, spec in enumerate(data.CHANNELS, 1)],
        )  # fmt: skip
        links: dict[tuple[int, int], None] = {}
        for spec in data.OFFERINGS:
            for segment in spec.segments:
                links[(self.segment_ids[segment], self.offering_ids[spec.key])] = None
        self._insert(SegmentOffering, [{"segment_id": s, "offering_id": o} for s, o in links])
        self._insert(
            SegmentChannel,
            [{"segment_id": self.segment_ids[spec.key], "channel_id": self.channel_ids[channel]}
             for spec in data.SEGMENTS for channel in spec.channels],
        )  # fmt: skip
        self._insert(
            OfferingChannel,
            [{"offering_id": self.offering_ids[spec.key], "channel_id": self.channel_ids[key],
              "sells": sells, "promotes": promotes, "yearly_budget_minor": budget}
             for spec in data.OFFERINGS
             for key, (sells, promotes, budget) in spec.channels.items()],
        )  # fmt: skip

    def _write_channel_months(self) -> None:
        """Planned spend and leads for every month to the end of the fiscal year; actuals
        (with the current month only partly done) up to today."""
        cal, rng = self.cal, self.rng
        rows = []
        for spec in data.CHANNELS:
            channel_id = self.channel_ids[spec.key]
            for month in month_range(cal.first, cal.fiscal_year.last_month):
                plan_year = FiscalYear.containing(month, data.FISCAL_START_MONTH).year
                budget = spec.monthly_spend[month.month - 1] * _SPEND_GROWTH ** (
                    plan_year - cal.fiscal_year.year
                )
                planned = round(budget / 1000) * 1000  # whole tens of euros, as people plan
                planned_leads = round(planned / spec.cost_per_lead)
                actual_spend = actual_leads = None
                if month <= cal.current:
                    share = cal.fraction if month == cal.current else 1.0
                    actual_spend = round(planned * share * max(0.0, rng.gauss(1.0, 0.08)) / 100)
                    actual_spend *= 100
                    if planned:
                        efficiency = math.exp(rng.gauss(0.0, 0.2))
                        actual_leads = round(actual_spend / spec.cost_per_lead * efficiency)
                    else:  # people met at last month's fair still get in touch
                        actual_leads = rng.randint(0, 2)
                rows.append(
                    {"channel_id": channel_id, "month": month, "planned_spend_minor": planned,
                     "actual_spend_minor": actual_spend, "planned_leads": planned_leads,
                     "actual_leads": actual_leads}
                )  # fmt: skip
        self._insert(ChannelMonth, rows)

    def expected_revenue(self, spec: data.OfferingSpec, month: Month) -> float:
        """The trend and seasonal shape of an offering's revenue in ``month``, without noise."""
        mean = sum(spec.season) / 12
        level: float = spec.monthly_revenue * (1 + spec.growth) ** ((month - self.cal.current) / 12)
        seasonal = spec.season[month.month - 1] / mean
        if easter_sunday(month.year).month == month.month:
            seasonal *= spec.easter
        return level * seasonal

    def _write_actuals_and_targets(self) -> None:
        cal, rng = self.cal, self.rng
        sales = []
        for spec in data.OFFERINGS:
            price = spec.row["list_price_minor"]
            for month in month_range(cal.first, cal.current):
                share = cal.fraction if month == cal.current else 1.0
                noise = math.exp(rng.gauss(0.0, spec.noise))
                revenue = round(self.expected_revenue(spec, month) * noise * share)
                sales.append(
                    {"month": month, "revenue_minor": revenue,
                     "units": round(revenue / price), "offering_id": self.offering_ids[spec.key]}
                )  # fmt: skip
        self._insert(ActualSale, sales)
        targets = []
        for fiscal_year in (cal.fiscal_year + -1, cal.fiscal_year):
            for month in fiscal_year.months:
                total = 0
                for spec in data.OFFERINGS:
                    # whole hundreds of euros: the owner sets targets, not the computer
                    value = self.expected_revenue(spec, month) * _TARGET_UPLIFT
                    revenue = round(value / 10_000) * 10_000
                    total += revenue
                    targets.append(
                        {"month": month, "revenue_minor": revenue,
                         "units": round(revenue / spec.row["list_price_minor"]),
                         "offering_id": self.offering_ids[spec.key], "segment_id": None,
                         "owner_id": None}
                    )  # fmt: skip
                targets.append(
                    {"month": month, "revenue_minor": total, "units": None, "offering_id": None,
                     "segment_id": None, "owner_id": None}
                )  # fmt: skip
        self._insert(Target, targets)

    def stages(self) -> list[StageInfo]:
        rows = self.conn.execute(
            select(Stage.id, Stage.name, Stage.probability, Stage.is_won, Stage.is_lost).order_by(
                Stage.position, Stage.id
            )
        )
        return [StageInfo(*row) for row in rows]

    def lost_reasons(self) -> dict[str, int]:
        rows = self.conn.execute(select(LostReason.name, LostReason.id))
        return {name: reason_id for name, reason_id in rows}
