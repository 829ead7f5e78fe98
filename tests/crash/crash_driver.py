"""The process the crash tests kill: it edits or imports into a plan as the app does.

Run as ``python crash_driver.py``. It imports the planner once, then reads commands on
stdin, one per line, and runs each in a forked child (a fresh process that pays no
start-up cost, so a test can kill many of them quickly):

    edits PLAN SEED START   edit number START, START+1, ... of the series in crash_edits,
                            printing "confirmed N" (N edits in all) after each commit
    actuals PLAN FILE       import actual sales from FILE (one transaction)
    deals PLAN FILE         import deals from FILE (one transaction)
    quit

Each child first prints "pid P"; an import prints "progress" before every SQL statement
(so a test can kill it part-way through the transaction) and "imported" once committed.
When the child has ended (killed or not), the driver prints "ended STATUS". Lines are
written straight to the file descriptor, so nothing waits in a buffer when a child dies.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crash_edits import TODAY, Edit, Series, money, read_state
from sqlalchemy import event, select

from planner.db.models import Deal
from planner.db.plan import Plan, open_plan
from planner.domain.periods import Month
from planner.io.actuals_import import import_file
from planner.io.deals_import import import_deals_file
from planner.services.actuals import set_actual
from planner.services.commands import Command, execute, undo
from planner.services.deals import DealFields, add_deal
from planner.services.edit import change_field
from planner.services.targets import set_month_target

# The longest a child edits before stopping by itself, so a broken test never runs forever.
MAX_EDITS = 5_000


def say(line: str) -> None:
    os.write(1, f"{line}\n".encode())


def _command(plan: Plan, edit: Edit) -> Command:
    with plan.uow() as uow:
        if edit.kind == "add":
            assert edit.value is not None
            fields = DealFields(customer=edit.key, amount=money(edit.value))
            return add_deal(uow, fields, today=TODAY)
        if edit.kind == "amount":
            deal_id = uow.session.scalar(select(Deal.id).where(Deal.customer == edit.key))
            value = money(edit.value or 0)
            return change_field(uow, Deal, deal_id, "amount_minor", value)
        month = Month.parse(edit.key)
        if edit.kind == "actual":
            return set_actual(uow, month, None, "revenue", money(edit.value or 0))
        return set_month_target(uow, month, money(edit.value or 0))


def run_edits(plan_path: str, seed: int, start: int) -> None:
    plan = open_plan(plan_path)
    with plan.session() as session:
        series = Series(seed, start, read_state(session))
    last: Command | None = None
    for number in range(start, start + MAX_EDITS):
        edit = series.next_edit(number)
        if edit.kind == "undo":
            assert last is not None
            undo(plan, last)
            last = None
        elif edit.kind != "skip":
            last = _command(plan, edit)
            execute(plan, last)
        series.record(edit)
        say(f"confirmed {number + 1}")
    plan.close()


def run_import(kind: str, plan_path: str, file: str) -> None:
    plan = open_plan(plan_path)

    @event.listens_for(plan.engine, "before_cursor_execute")
    def _progress(*_args: Any) -> None:
        say("progress")

    if kind == "actuals":
        import_file(plan, file, today=TODAY)
    else:
        import_deals_file(plan, file, today=TODAY)
    say("imported")
    plan.close()


def child(words: list[str]) -> None:
    say(f"pid {os.getpid()}")
    if words[0] == "edits":
        run_edits(words[1], int(words[2]), int(words[3]))
    else:
        run_import(words[0], words[1], words[2])


def main() -> None:
    for raw in sys.stdin:
        words = raw.split()
        if not words:
            continue
        if words[0] == "quit":
            return
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                child(words)
            except BaseException as exc:  # report, never fall back into the parent's loop
                say(f"error {type(exc).__name__}: {exc}")
                code = 1
            os._exit(code)
        _pid, status = os.waitpid(pid, 0)
        say(f"ended {status}")


if __name__ == "__main__":
    main()
