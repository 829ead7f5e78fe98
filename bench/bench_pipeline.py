"""Pipeline speed on a large plan: opening the tab, scrolling, sorting, filtering, searching
and showing the board, each beside a baseline measured alternately in the same run.

    .venv/bin/python app.py demo /tmp/big.smplan --deals 100000 --years 10   # once
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_pipeline.py [--plan PATH] [--runs 5]

Baselines (the least any table could do):
- open:   raw sqlite3 reads every id and the first page of rows; a bare QTableView over a
          minimal model with that many rows paints once.
- scroll: the same bare view over every row already in a Python list, jumping through
          the table a screen at a time to 40 places and painting each time.
- sort:   raw sqlite3 selects the ids in the same order (needs attention: the same
          history lookups, simpler text).
- filter, search: raw sqlite3 selects the ids, the count and sum and the first page of
          rows, and the bare view paints them.
- edit:   raw sqlite3 updates one deal's amount and commits, then reads the ids, totals
          and first page again (what any table must do to show an edit). The planner's
          figures: how long the window is busy (the store; the re-read runs on a worker
          on a large plan), and how long until the new figures are shown.
- board:  raw sqlite3 counts and sums the deals per stage.
Each figure is the median of ``--runs``; the ratio is planner / baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

PAGE = 128
SPOTS = 40  # places the scroll test jumps to


class BareModel(QAbstractTableModel):
    """The least a table model can be: rows from a list, or one page and blanks."""

    def __init__(self, count: int, rows: list[tuple[Any, ...]]) -> None:
        super().__init__()
        self.count, self.rows = count, rows

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.count

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 19

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        return str(row[index.column() % len(row)])


ROW_SQL = (
    "SELECT d.id, d.customer, d.title, d.amount_minor, s.name, d.probability, "
    "d.expected_close, d.status FROM deal d JOIN stage s ON s.id = d.stage_id "
)


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def paint(view: QTableView) -> None:
    QApplication.processEvents()
    view.viewport().repaint()


ATTENTION_SQL = """
SELECT id FROM (SELECT d.id AS id, CASE WHEN d.status = 'open' THEN
  (CASE WHEN julianday(:today) - julianday(max(d.created_on, coalesce((SELECT max(happened_on)
     FROM deal_event e WHERE e.deal_id = d.id), d.created_on))) >= 30 THEN 'q' ELSE '' END) ||
  (CASE WHEN (SELECT count(*) FROM deal_event e WHERE e.deal_id = d.id
     AND e.kind = 'close_date') >= 3 THEN 's' ELSE '' END) ||
  (CASE WHEN d.expected_close < :today THEN 'p' ELSE '' END) ELSE '' END AS r FROM deal d)
ORDER BY r = '', r, id
"""


class Run:
    """One round of every measurement: the baseline, then the planner, for each."""

    def __init__(self, ops: Any, raw: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
        self.ops, self.raw, self.rows = ops, raw, rows
        self.count = len(rows)
        self.word = rows[len(rows) // 2][1].split()[0]
        self.results: dict[str, tuple[float, float]] = {}
        self.bare = QTableView()
        self.bare.resize(1300, 700)
        self.tab: Any = None
        self.edited = 0.0

    def raw_table(self, where: str = "", params: tuple[Any, ...] = ()) -> None:
        """What any table must do for a filter: the ids, the totals, the first page."""
        ids = self.raw.execute(f"SELECT id FROM deal {where} ORDER BY id", params).fetchall()
        self.raw.execute(f"SELECT count(*), sum(amount_minor) FROM deal {where}", params)
        first = self.raw.execute(
            ROW_SQL + f"{where.replace('WHERE', 'WHERE 1 AND')} ORDER BY d.id LIMIT ?",
            (*params, PAGE),
        ).fetchall()
        self.bare.setModel(BareModel(len(ids), first))
        paint(self.bare)

    def open_tab(self) -> None:
        from ui.tabs.pipeline import PipelineTab

        self.tab = PipelineTab(self.ops)
        self.tab.resize(1300, 800)
        self.tab.show()
        paint(self.tab.view)

    def scroll(self, view: QTableView) -> None:
        for n in range(SPOTS):
            view.scrollTo(view.model().index(self.count * n // SPOTS, 0))
            paint(view)

    def raw_edit(self) -> None:
        deal_id = self.rows[0][0]
        self.raw.execute("UPDATE deal SET amount_minor = amount_minor WHERE id = ?", (deal_id,))
        self.raw.commit()
        self.raw_table()

    def edit(self) -> None:
        start = time.perf_counter()
        model = self.tab.model
        amount = [c.header for c in model.columns].index("Amount")
        assert model.setData(model.index(0, amount), "1234.50")
        paint(self.tab.view)
        self.edited = (time.perf_counter() - start) * 1000

    def settle(self) -> None:
        """Wait for a read the tab runs on a worker (a large plan's re-read after an edit)."""
        while self.tab.is_reading:
            QApplication.processEvents()
            time.sleep(0.002)
        paint(self.tab.view)

    def sort(self, header: str, order: Qt.SortOrder) -> None:
        columns = [c.header for c in self.tab.model.columns]
        self.tab.view.sortByColumn(columns.index(header), order)
        paint(self.tab.view)

    def measure(self) -> dict[str, tuple[float, float]]:
        tab_of = self.results
        self.bare.show()
        tab_of["open the table"] = (timed(self.raw_table), timed(self.open_tab))
        tab = self.tab
        self.bare.setModel(BareModel(self.count, self.rows))
        tab_of[f"scroll to {SPOTS} places"] = (
            timed(lambda: self.scroll(self.bare)),
            timed(lambda: self.scroll(tab.view)),
        )
        tab_of["sort by amount"] = (
            timed(lambda: self.raw.execute(
                "SELECT id FROM deal ORDER BY amount_minor DESC, id").fetchall()),
            timed(lambda: self.sort("Amount", Qt.SortOrder.DescendingOrder)),
        )  # fmt: skip
        tab_of["sort by customer"] = (
            timed(lambda: self.raw.execute(
                "SELECT id FROM deal ORDER BY lower(customer), id").fetchall()),
            timed(lambda: self.sort("Customer", Qt.SortOrder.AscendingOrder)),
        )  # fmt: skip
        today = {"today": dt.date.today().isoformat()}
        tab_of["sort by needs attention"] = (
            timed(lambda: self.raw.execute(ATTENTION_SQL, today).fetchall()),
            timed(lambda: self.sort("Needs attention", Qt.SortOrder.AscendingOrder)),
        )
        tab.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        stage = tab.table.stage
        name = stage.itemText(2)
        tab_of[f"filter by stage {name!r}"] = (
            timed(lambda: self.raw_table(
                "WHERE stage_id = (SELECT id FROM stage WHERE name = ?)", (name,))),
            timed(lambda: (stage.setCurrentIndex(2), paint(tab.view))),
        )  # fmt: skip
        stage.setCurrentIndex(0)
        tab_of[f"search {self.word!r}"] = (
            timed(lambda: self.raw_table(
                "WHERE customer || ' ' || title LIKE ?", (f"%{self.word}%",))),
            timed(lambda: (tab.search.setText(self.word), tab.table.apply_filter(),
                           paint(tab.view))),
        )  # fmt: skip
        tab.table.reset_filters()
        tab_of["edit an amount: window busy"] = (timed(self.raw_edit), timed(self.edit))
        tab_of["edit an amount: new figures shown"] = (
            tab_of["edit an amount: window busy"][0],
            timed(self.settle) + self.edited,
        )
        tab.ops.undo_stack.undo()  # leave the plan as it was
        self.settle()
        tab_of["show the board"] = (
            timed(lambda: self.raw.execute(
                "SELECT stage_id, count(*), sum(amount_minor) FROM deal WHERE status = 'open' "
                "GROUP BY stage_id").fetchall()),
            timed(lambda: (tab.views.setCurrentWidget(tab.board), QApplication.processEvents())),
        )  # fmt: skip
        tab.views.setCurrentIndex(0)
        for widget in (tab, self.bare):
            widget.close()
            widget.deleteLater()
        QApplication.processEvents()
        return self.results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", default="/tmp/big.smplan")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    path = Path(options.plan)
    if not path.exists():
        print(f"No plan at {path}: build it with app.py demo {path} --deals 100000 --years 10")
        return 1
    app = QApplication.instance() or QApplication(sys.argv)
    from planner.db.plan import backup_to, open_plan
    from planner.queries.pipeline_paging import deal_ids
    from ui.undo import PlanOperations

    # The edit test writes (and undoes): work on a copy, never on the shared plan.
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / path.name
    backup_to(Path(options.plan), path)
    plan = open_plan(path)
    ops = PlanOperations(plan)
    raw = sqlite3.connect(path)
    rows = raw.execute(ROW_SQL + "ORDER BY d.id").fetchall()
    assert deal_ids(plan)[:3] == [r[0] for r in rows[:3]]  # the same deals in both
    results: dict[str, tuple[list[float], list[float]]] = {}
    for _ in range(options.runs):  # alternating, so the machine's load hits both alike
        for name, (base, ours) in Run(ops, raw, rows).measure().items():
            results.setdefault(name, ([], []))
            results[name][0].append(base)
            results[name][1].append(ours)
    print(f"plan: a copy of {options.plan} ({len(rows):,} deals); median of {options.runs} "
          "runs, alternating")  # fmt: skip
    print(f"{'':32} {'baseline ms':>12} {'planner ms':>12} {'ratio':>7}")
    for name, (base, ours) in results.items():
        b, o = statistics.median(base), statistics.median(ours)
        print(f"{name:32} {b:12.1f} {o:12.1f} {o / max(b, 0.1):7.2f}")
    plan.close()
    raw.close()
    folder.cleanup()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
