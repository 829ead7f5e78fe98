"""Deals for the sample plan: stages reached, amounts, customers and each deal's history."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from planner.sample import data
from planner.services.setup import DEFAULT_LOST_REASONS

if TYPE_CHECKING:
    from planner.sample.build import _Builder

T = TypeVar("T")


class Picker(Generic[T]):
    """A fast weighted choice from a fixed list (cumulative weights computed once)."""

    def __init__(self, weights: dict[T, float] | Sequence[tuple[T, float]]) -> None:
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))

    def __call__(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum)[0]


@dataclass(frozen=True)
class StageInfo:
    id: int
    name: str
    probability: int
    is_won: bool
    is_lost: bool


_OPEN_SHARE = 0.32  # share of deals still open today
_OPEN_AT = (0.32, 0.26, 0.24, 0.18)  # open deals by stage: fewer get further
_LOST_AT = (0.25, 0.30, 0.30, 0.15)  # the stage a lost deal had reached
_STUCK_SHARE = 0.12  # open deals that have sat for months
_OVERDUE_SHARE = 0.15  # open deals whose expected close has passed
_DAY = dt.timedelta(days=1)


def _stage_weights(count: int, base: tuple[float, ...]) -> list[tuple[int, float]]:
    return [(k, base[min(k, len(base) - 1)]) for k in range(count)]


class _DealMaker:
    """Generates deals with their history, in the plan's own stages and reference ids."""

    def __init__(self, builder: _Builder, window_days: int) -> None:
        self.rng = builder.rng
        self.today = builder.cal.today
        self.window_days = window_days
        self.stages = builder.stages()
        self.open = [s for s in self.stages if not (s.is_won or s.is_lost)]
        self.won = next(s for s in self.stages if s.is_won)
        self.lost = next(s for s in self.stages if s.is_lost)
        self.open_index = {s.id: k for k, s in enumerate(self.open)}
        self.open_at = Picker(_stage_weights(len(self.open), _OPEN_AT))
        self.lost_at = Picker(_stage_weights(len(self.open), _LOST_AT))
        self.offering = Picker([(spec, spec.deal_share) for spec in data.OFFERINGS])
        segments = {spec.key: spec for spec in data.SEGMENTS}
        channels = {spec.key: spec for spec in data.CHANNELS}
        self.segment = {
            spec.key: Picker([(segments[k], w) for k, w in spec.segments.items()])
            for spec in data.OFFERINGS
        }
        self.owner = {
            spec.key: Picker([(builder.rep_ids[name], w) for name, w in spec.owners.items()])
            for spec in data.OFFERINGS
        }
        self.channel = {
            spec.key: Picker([(channels[k], w) for k, w in spec.channels.items()])
            for spec in data.SEGMENTS
        }
        self.reason_ids = builder.lost_reasons()
        self.reason = {
            spec.key: Picker(list(zip(DEFAULT_LOST_REASONS, spec.lost_reasons, strict=True)))
            for spec in data.SEGMENTS
        }
        self.offering_ids = builder.offering_ids
        self.segment_ids = builder.segment_ids
        self.channel_ids = builder.channel_ids
        # For each (offering, segment) and month: (titles that fit the season, any-time titles)
        self.titles = {
            key: [
                (
                    [t for t, months in templates if m in months],
                    [t for t, ms in templates if not ms],
                )
                for m in range(13)
            ]
            for key, templates in data.TITLES.items()
        }

    def make(self, start: int, stop: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Deals ``start`` to ``stop - 1`` (ids from ``start + 1``) and their events.

        The first deals are placed one in each stage, so even a small plan shows them all.
        """
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for index in range(start, stop):
            forced = self.stages[index] if index < len(self.stages) else None
            self._deal(index + 1, forced, rows, events)
        return rows, events

    def _deal(
        self,
        deal_id: int,
        forced: StageInfo | None,
        rows: list[dict[str, Any]],
        events: list[dict[str, Any]],
    ) -> None:
        rng, today = self.rng, self.today
        offering: data.OfferingSpec = self.offering(rng)
        segment: data.SegmentSpec = self.segment[offering.key](rng)
        channel: data.ChannelSpec = self.channel[segment.key](rng)
        cycle = max(1, round(offering.cycle_days * rng.lognormvariate(0.0, 0.5)))
        if forced is not None:
            final = forced
        elif rng.random() < _OPEN_SHARE:
            final = self.open[self.open_at(rng)]
        else:
            final = self.won if rng.random() < channel.win_rate else self.lost
        closed = final.is_won or final.is_lost
        stuck = False
        if closed:
            age = rng.randint(1, self.window_days)
            duration = cycle if cycle <= age else rng.randint(0, age)
            end = today - dt.timedelta(days=age - duration)
        else:
            stuck = rng.random() < _STUCK_SHARE
            age = rng.randint(60, 240) if stuck else int(rng.expovariate(1.0 / cycle))
            age = min(age, self.window_days)
            end = today
        created = today - dt.timedelta(days=age)

        path = self._path(final)
        span = (end - created).days
        moves = len(path) - 1
        if closed:  # the last move (to won or lost) is the day the deal closed
            offsets = [*sorted(rng.randint(0, span) for _ in range(moves - 1)), span]
        else:  # a stuck deal made its moves early and has not moved since
            reach = min(span, cycle) if stuck else span
            offsets = sorted(rng.randint(0, reach) for _ in range(moves))
        history = [(created, "created", "", path[0].name)]
        for step, offset in enumerate(offsets):
            history.append(
                (created + dt.timedelta(days=offset), "stage", path[step].name, path[step + 1].name)
            )
        expected = self._expected_close(final, created, end, age)
        if rng.random() < (0.12 if closed else 0.25):
            self._slips(history, created, expected, end - _DAY if closed else today)
        lost_reason_id = None
        if final.is_won:
            history.append((end, "won", "", ""))
        elif final.is_lost:
            reason: str = self.reason[segment.key](rng)
            lost_reason_id = self.reason_ids[reason]
            history.append((end, "lost", "", reason))
        history.sort(key=lambda event: event[0])  # stable: same-day events keep their order

        amount, count = self._amount(offering, segment.key)
        seasonal, anytime = self.titles[(offering.key, segment.key)][
            (end if closed else expected).month
        ]
        pool = seasonal if seasonal and rng.random() < 0.7 else anytime
        probability = None
        if not closed and rng.random() < 0.2:  # the owner's own feeling about this deal
            own = final.probability + rng.choice((-15, -10, -5, 5, 10, 15))
            probability = min(95, max(5, own))
        rows.append(
            {"id": deal_id, "customer": self._customer(segment.key),
             "title": rng.choice(pool).format(n=count),
             "offering_id": self.offering_ids[offering.key],
             "segment_id": self.segment_ids[segment.key],
             "channel_id": self.channel_ids[channel.key],
             "owner_id": self.owner[offering.key](rng), "amount_minor": amount,
             "probability": probability, "stage_id": final.id, "created_on": created,
             "expected_close": expected, "closed_on": end if closed else None,
             "status": "won" if final.is_won else "lost" if final.is_lost else "open",
             "lost_reason_id": lost_reason_id,
             "notes": rng.choice(data.NOTES) if rng.random() < 0.15 else ""}
        )  # fmt: skip
        events.extend(
            {"deal_id": deal_id, "happened_on": day, "kind": kind, "old_value": old,
             "new_value": new}
            for day, kind, old, new in history
        )  # fmt: skip

    def _path(self, final: StageInfo) -> list[StageInfo]:
        """The stages a deal went through, ending in ``final``; some skip the first stage
        (a recommendation arrives qualified) and won deals sometimes skip a middle one."""
        rng, stages = self.rng, self.open
        start = 1 if len(stages) > 1 and rng.random() < 0.2 else 0
        if final.is_won:
            middle = [s for s in stages[start + 1 :] if rng.random() >= 0.15]
            return [stages[start], *middle, final]
        reached = self.lost_at(rng) if final.is_lost else self.open_index[final.id]
        path = stages[min(start, reached) : reached + 1]
        return [*path, final] if final.is_lost else path

    def _expected_close(
        self, final: StageInfo, created: dt.date, end: dt.date, age: int
    ) -> dt.date:
        rng = self.rng
        if final.is_won:
            return end
        if final.is_lost:  # it was still expected to close when it was lost
            return end + dt.timedelta(days=rng.randint(0, 30))
        if age > 1 and rng.random() < _OVERDUE_SHARE:
            return end - dt.timedelta(days=rng.randint(1, min(40, age - 1)))
        draw = rng.random()
        if draw < 0.45:
            ahead = rng.randint(3, 30)
        elif draw < 0.85:
            ahead = rng.randint(31, 90)
        else:
            ahead = rng.randint(91, 180)
        return end + dt.timedelta(days=ahead)

    def _slips(
        self, history: list[tuple[dt.date, str, str, str]], created: dt.date, expected: dt.date,
        latest: dt.date,
    ) -> None:  # fmt: skip
        """Earlier expected close dates, each moved later when it came near or passed."""
        rng = self.rng
        new = expected
        for _ in range(1 + (rng.random() < 0.4) + (rng.random() < 0.15)):
            old = new - dt.timedelta(days=rng.randint(10, 45))
            happened = min(old + dt.timedelta(days=rng.randint(-7, 3)), latest)
            if old <= created or happened <= created:
                return
            history.append((happened, "close_date", old.isoformat(), new.isoformat()))
            latest, new = happened - _DAY, old

    def _amount(self, offering: data.OfferingSpec, segment: str) -> tuple[int, int]:
        """The deal's amount and the count (guests, boxes, months, portions) it was built from."""
        rng, price = self.rng, offering.row["list_price_minor"]
        if offering.key == "catering":
            guests = min(250, max(10, round(rng.lognormvariate(math.log(40), 0.6))))
            per_head = price + 100 * rng.randint(-6, 6)
            return round(guests * per_head / 1000) * 1000, guests
        if offering.key == "wholesale":
            months = rng.choice((3, 6, 6, 12, 12))
            weekly = 1000 * rng.randint(12, 45)
            return round(weekly * months * 4.33 / 1000) * 1000, months
        if offering.key == "giftbox":
            if segment == "offices":
                boxes = min(400, max(8, round(rng.lognormvariate(math.log(30), 0.7))))
            else:
                boxes = rng.randint(3, 12)
            discount = 0.90 if boxes >= 50 else 0.95 if boxes >= 20 else 1.0
            return round(boxes * price * discount / 100) * 100, boxes
        low, high = {"households": (4, 30), "offices": (10, 60)}.get(segment, (12, 120))
        portions = rng.randint(low, high)
        return max(4500, round(portions * 10 * rng.randint(28, 55) / 500) * 500), portions

    def _customer(self, segment: str) -> str:
        rng = self.rng
        if segment == "offices":
            name = rng.choice(data.SURNAMES)
            partner = rng.choice(data.SURNAMES)
            if partner != name and rng.random() < 0.5:
                name = f"{name} & {partner}"
            return f"{name} {rng.choice(data.COMPANY_TRADES)}"
        if segment == "cafes":
            return f"{rng.choice(data.VENUE_KINDS)} {rng.choice(data.VENUE_NAMES)}"
        first = rng.choice(data.FIRST_NAMES)
        partner = rng.choice(data.FIRST_NAMES)
        if segment == "private" and partner != first and rng.random() < 0.4:
            first = f"{first} & {partner}"
        return f"{first} {rng.choice(data.SURNAMES)}"
