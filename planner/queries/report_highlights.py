"""The quarterly report's highlights: three to five plain sentences written from its numbers.

"Revenue in Q3 FY 2026 was EUR 123,456, 8% above target, driven by Catering (15% over)":
the first thing an owner, a partner or the bank reads. Each sentence is made from a
finished ``QuarterReport`` (planner.queries.report) and says nothing the report's tables do
not show; a sentence whose numbers a plan lacks is left out. Kept apart from the queries:
this is wording, the other module is arithmetic over the database.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type hints only: planner.queries.report imports this module
    from planner.queries.report import QuarterReport

_TENTH = Decimal("0.1")


def money_text(amount: Decimal, currency: str) -> str:
    """Whole currency units, as the report prints them: ``EUR 12,345``."""
    return f"{currency} {amount:,.0f}"


def _whole_pct(pct: Decimal) -> str:
    """ "8%", or "0.6%" below one percent, where a whole number would say "0%"."""
    size = abs(pct)
    return f"{size:.1f}%" if size < 1 else f"{size:.0f}%"


def _revenue_sentence(r: QuarterReport) -> str | None:
    total = r.total
    if total.actual is None:
        return (
            f"No actual sales are recorded for {r.quarter.label} yet: enter them on the "
            "Actuals tab and this report fills in."
        )
    verb = "was" if r.complete else "so far is"
    sold = f"Revenue in {r.quarter.label} {verb} {money_text(total.actual, r.currency)}"
    if total.variance_pct is None or total.variance is None:
        return sold + "."
    if total.variance_pct == 0:
        return sold + ", right on target."
    above = total.variance > 0
    text = f"{sold}, {_whole_pct(total.variance_pct)} {'above' if above else 'below'} target"
    judged = sorted(
        (o for o in r.offerings if o.variance_pct is not None),
        key=lambda o: o.variance_pct or Decimal(0),
    )
    best = judged[-1] if judged and (judged[-1].variance_pct or 0) > 0 else None
    worst = judged[0] if judged and (judged[0].variance_pct or 0) < 0 else None
    if above and best is not None:
        text += f", driven by {best.name} ({_whole_pct(best.variance_pct or Decimal(0))} over)"
        if worst is not None:
            text += f"; {worst.name} missed by {_whole_pct(worst.variance_pct or Decimal(0))}"
    elif not above and worst is not None:
        text += f", mostly in {worst.name} ({_whole_pct(worst.variance_pct or Decimal(0))} short)"
        if best is not None:
            text += (
                f"; {best.name} beat its target by {_whole_pct(best.variance_pct or Decimal(0))}"
            )
    return text + "."


def _year_sentence(r: QuarterReport) -> str | None:
    ytd, fy = r.year_to_date, r.quarter.fiscal_year.label
    if ytd.through is None or not ytd.target:
        return None
    pct = ytd.variance_pct or Decimal(0)
    side = "above" if ytd.variance >= 0 else "below"
    text = (
        f"{fy} to the end of {ytd.through.short_label}: {money_text(ytd.actual, r.currency)} "
        f"sold, {_whole_pct(pct)} {side} the target of {money_text(ytd.target, r.currency)}"
    )
    if r.year_outlook is not None and r.year_target:
        gap = r.year_outlook - r.year_target
        ahead = "ahead of" if gap >= 0 else "short of"
        text += (
            f"; the full year is heading for about {money_text(r.year_outlook, r.currency)}, "
            f"{money_text(abs(gap), r.currency)} {ahead} its target"
        )
    return text + "."


def _marketing_sentence(r: QuarterReport) -> str | None:
    line = next((c for c in r.channels if c.is_total), None)
    if line is None or line.figures.actual_spend is None:
        return None
    # Against budget and plan: the months that are over (``ChannelLine.compared``).
    total = line.variances
    text = f"Marketing cost {money_text(line.figures.actual_spend, r.currency)}"
    pct = total.spend_variance_pct
    if pct is not None and round(pct) != 0:
        text += f", {_whole_pct(pct)} {'over' if pct > 0 else 'under'} budget"
    elif pct is not None:
        text += ", on budget"
    if total.actual_leads is not None:
        text += (
            f", and brought {total.actual_leads:,} leads against "
            f"{total.planned_leads_compared:,} planned"
        )
    ranked = [c for c in r.channels if not c.is_total and c.figures.return_on_spend]
    if ranked:
        best = max(ranked, key=lambda c: c.figures.return_on_spend or Decimal(0))
        ros = best.figures.return_on_spend or Decimal(0)
        text += (
            f"; {best.name} paid back best, with {r.currency} {ros:,.2f} won for every "
            f"{r.currency} 1 spent"
        )
    return text + "."


def _sales_sentence(r: QuarterReport) -> str | None:
    if not r.won_deals and not r.lost_deals:
        return f"No deals were won or lost in {r.quarter.label}."
    won = "1 deal" if r.won_deals == 1 else f"{r.won_deals} deals"
    text = f"{won} won for {money_text(r.won_amount, r.currency)} and {r.lost_deals} lost"
    if r.win_rate_pct is not None:
        text += f", a win rate of {r.win_rate_pct:.0f}%"
    if r.lost_reasons:
        top = r.lost_reasons[0]
        times = "1 deal" if top.deals == 1 else f"{top.deals} deals"
        text += f"; the most common reason for losing was \u201c{top.reason}\u201d ({times})"
    return text + "."


def _forecast_sentence(r: QuarterReport) -> str | None:
    nxt = r.next_total
    if nxt.is_actual or not nxt.forecast or nxt.low is None or nxt.high is None:
        return None
    text = (
        f"{r.next_quarter.label} is forecast at about {money_text(nxt.forecast, r.currency)} "
        f"(likely {money_text(nxt.low, r.currency)} to {money_text(nxt.high, r.currency)})"
    )
    if nxt.target:
        pct = ((nxt.forecast - nxt.target) * 100 / nxt.target).quantize(_TENTH)
        goal = f"its target of {money_text(nxt.target, r.currency)}"
        if pct == 0:  # not "0.0% above"
            text += f", right on {goal}"
        else:
            text += f", {_whole_pct(pct)} {'above' if pct > 0 else 'below'} {goal}"
    return text + "."


def highlights(report: QuarterReport) -> tuple[str, ...]:
    """Three to five plain sentences from the report's numbers (fewer on a plan that lacks
    them), in the order the report's sections come."""
    makers = (
        _revenue_sentence, _year_sentence, _marketing_sentence, _sales_sentence,
        _forecast_sentence,
    )  # fmt: skip
    return tuple(s for s in (make(report) for make in makers) if s)
