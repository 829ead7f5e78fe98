"""The Print Quarterly Report dialog and the page layout under it: the live preview, saving
a PDF, the paper setting, tables that carry their header onto the next page, and a failed
save that leaves the old file alone. Long work (issue 10): the quarter's numbers are read
on a worker while the dialog keeps working, the read shows its progress and can be
cancelled, and a cancelled PDF save leaves no file."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QTimer
from PySide6.QtGui import QPdfWriter
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

import ui.report.jobs
import ui.report_dialog
from planner.domain.periods import FiscalQuarter, FiscalYear
from planner.queries.report import REPORT_PARTS, quarter_report
from ui.background import reads_for
from ui.report import ReportCancelled, default_paper, layout_report, write_pdf
from ui.report.blocks import Column, Flow, Row
from ui.report.layout import PageGeometry, RunningText, page_layout, paginate, paint_pages
from ui.report_dialog import REPORT_PAPER, ReportDialog
from ui.settings import Settings

pytestmark = pytest.mark.gui
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)
Q3 = FiscalQuarter(FiscalYear(2026, 1), 3)


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def open_dialog(qtbot: QtBot, ops: Any) -> ReportDialog:
    dialog = ReportDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.preview.pageCount() > 0)
    return dialog


def test_preview_follows_the_choices_and_closes(qtbot: QtBot, ops: Any) -> None:
    dialog = open_dialog(qtbot, ops)
    assert dialog.quarter == Q3  # the last completed quarter on 23 November 2026
    assert dialog.quarter_box.currentText() == "Q3 FY 2026: Jul 2026 \u2013 Sep 2026"
    full = dialog.preview.pageCount()
    assert full >= 4
    assert dialog.page_label.text() == f"{full} pages"

    def expected() -> int:
        report = dialog.report()
        assert report is not None
        return len(layout_report(report, dialog.options())[0])

    assert full == expected()
    dialog.section_boxes["marketing"].setChecked(False)
    dialog.section_boxes["forecast"].setChecked(False)
    shorter = expected()
    assert shorter < full
    qtbot.waitUntil(lambda: dialog.preview.pageCount() == shorter)
    # A page of notes: the preview follows once typing pauses.
    dialog.notes.setPlainText("A new oven arrived in September. " * 160)
    assert expected() > shorter
    qtbot.waitUntil(lambda: dialog.preview.pageCount() == expected(), timeout=3000)
    assert dialog.options().sections == ("summary", "sales", "notes")
    with qtbot.waitSignal(dialog.rejected):
        dialog.reject()
    assert not dialog.isVisible()


@needs_poppler
def test_save_as_pdf_writes_the_chosen_quarter(
    qtbot: QtBot, ops: Any, dialogs: Any, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, ops)
    q2 = FiscalQuarter(FiscalYear(2026, 1), 2)
    dialog.select_quarter(q2)
    dialog.notes.setPlainText("Spring was busy with weddings.")
    target = tmp_path / "spring"  # no suffix: the dialog adds .pdf
    dialogs.save_answers.append(target)
    qtbot.waitUntil(lambda: dialog.report() is not None and dialog.pdf_button.isEnabled())
    dialog.pdf_button.click()
    saved = tmp_path / "spring.pdf"
    qtbot.waitUntil(lambda: dialog.last_saved is not None)
    assert dialog.last_saved == saved and saved.is_file()
    assert dialogs.texts("information") == ["The report was saved as spring.pdf."]
    assert dialogs.file_captions == ["Save the Report as PDF"]
    text = "\n".join(pdf_pages(saved))
    assert "Summary of Q2 FY 2026" in text and "Spring was busy with weddings." in text
    report = dialog.report()
    assert report is not None and report.quarter == q2 and report.total.actual is not None
    assert f"{report.total.actual.quantize(Decimal(1)):,}" in text


def test_paper_is_remembered_and_follows_the_locale(qtbot: QtBot, ops: Any) -> None:
    assert default_paper(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == (
        "letter"
    )
    assert default_paper(QLocale(QLocale.Language.French, QLocale.Country.Canada)) == "letter"
    assert default_paper(QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "a4"
    dialog = open_dialog(qtbot, ops)
    dialog.paper_box.setCurrentIndex(dialog.paper_box.findData("letter"))
    assert Settings().get(REPORT_PAPER) == "letter"
    dialog.reject()
    again = open_dialog(qtbot, ops)
    assert again.paper_box.currentData() == "letter"
    assert again.printer.pageLayout().pageSize().id() == page_layout("letter").pageSize().id()


@needs_poppler
def test_a_long_table_repeats_its_header_and_never_splits_a_row(
    qtbot: QtBot, tmp_path: Path
) -> None:
    geometry = PageGeometry(page_layout("a4"))
    flow = Flow(geometry.body.width())
    flow.heading("Every deal")
    columns = [Column("Customer name", 2.0, False), Column("Amount won")]
    # Some rows wrap to two lines: a row must still move to the next page whole.
    rows = [
        Row([f"Customer {n:03d}" + (" with a long trading name" * (n % 7 == 0)), f"{n * 10:,}"])
        for n in range(1, 121)
    ]
    flow.table(columns, rows)
    pages = paginate(flow.slices, geometry.body.height())
    assert len(pages) >= 3
    for page in pages[1:]:
        first = page.placed[0][1]
        assert first.text == "Customer name | Amount won"
    for page in pages:
        for top, piece in page.placed:
            assert top + piece.height <= geometry.body.height() + 0.01
    out = tmp_path / "long.pdf"
    writer = QPdfWriter(str(out))
    writer.setPageLayout(geometry.layout)
    paint_pages(writer, pages, geometry, RunningText("Test Bakery", "Long table", "today"))
    del writer
    texts = pdf_pages(out)
    assert len(texts) == len(pages)
    for number, text in enumerate(texts, start=1):
        assert "Customer name" in text and "Amount won" in text
        assert f"Page {number} of {len(pages)}" in text
    assert "Customer 120" in texts[-1] and "1,200" in texts[-1]


def test_a_failed_save_leaves_the_old_file_alone(
    qtbot: QtBot, ops: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.report
    from planner.queries.report import quarter_report
    from ui.report.document import ReportOptions

    report = quarter_report(ops.plan, Q3, today=Q3.last_month.last_day)
    old = tmp_path / "report.pdf"
    old.write_bytes(b"%PDF-1.4 the old report")

    def broken(*_args: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ui.report, "render", broken)
    with pytest.raises(OSError):
        write_pdf(report, ReportOptions(), old)
    assert old.read_bytes() == b"%PDF-1.4 the old report"
    # No temporary file is left behind either.
    assert [p.name for p in tmp_path.iterdir() if "report" in p.name] == ["report.pdf"]


def test_file_menu_opens_the_report_dialog(qtbot: QtBot, plan_window: Any) -> None:
    action = plan_window.report_action
    assert action.isEnabled() and action.text() == "Print &Quarterly Report…"
    action.trigger()
    qtbot.waitUntil(lambda: plan_window.findChild(ReportDialog) is not None)
    dialog = plan_window.findChild(ReportDialog)
    qtbot.waitUntil(lambda: dialog.preview.pageCount() > 0)
    assert dialog.quarter == Q3
    dialog.reject()


# -- long work: reading on a worker, progress, cancel ---------------------------------------


class HeldRead:
    """Holds the dialog's next read of the report's numbers on the worker, before part
    ``at``, until the test lets it go; notes every read's thread and the parts it began."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
        self.at = at
        self.started = threading.Event()
        self.opened = threading.Event()
        self.on_worker: list[bool] = []
        self.parts: list[int] = []
        real = quarter_report

        def held(plan: Any, quarter: Any, *, today: Any, progress: Any) -> Any:
            self.on_worker.append(threading.current_thread() is not threading.main_thread())

            def step(done: int, total: int) -> None:
                if done == self.at and not self.started.is_set():
                    self.started.set()
                    assert self.opened.wait(20), "the test never let the read go on"
                self.parts.append(done)
                progress(done, total)  # raises there once the read was cancelled

            return real(plan, quarter, today=today, progress=step)

        monkeypatch.setattr(ui.report_dialog, "quarter_report", held)


@pytest.fixture
def hold_read(monkeypatch: pytest.MonkeyPatch, ops: Any) -> Iterator[Callable[[int], HeldRead]]:
    made: list[HeldRead] = []

    def make(at: int) -> HeldRead:
        made.append(HeldRead(monkeypatch, at))
        return made[-1]

    yield make
    for held in made:  # a failing test must not leave a read waiting on a closing plan
        held.opened.set()
    reads_for(ops).finish()


def test_the_numbers_are_read_on_a_worker_while_the_dialog_keeps_working(
    qtbot: QtBot, ops: Any, hold_read: Callable[[int], HeldRead]
) -> None:
    held = hold_read(3)  # before the pipeline part, the slowest on a big plan
    dialog = ReportDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    assert held.started.wait(20)
    # The read waits on its thread; the GUI thread goes on: timers fire, the reading
    # panel appears with how far the read got, and the choices still answer.
    ticks: list[int] = []
    heartbeat = QTimer(dialog)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(20)
    qtbot.waitUntil(lambda: len(ticks) >= 5 and dialog.preview_stack.currentIndex() == 1)
    panel = dialog.reading_panel
    assert panel.message.text() == "Reading the quarter's numbers\u2026"
    qtbot.waitUntil(lambda: panel.bar.value() == 2)  # held before it reports part 3
    assert panel.bar.maximum() == REPORT_PARTS and panel.button.text() == "Cancel"
    assert dialog.reading and dialog.report() is None
    assert not dialog.pdf_button.isEnabled() and not dialog.print_button.isEnabled()
    dialog.section_boxes["notes"].setChecked(False)  # choosing meanwhile is fine
    held.opened.set()
    qtbot.waitUntil(lambda: dialog.preview.pageCount() > 0)
    heartbeat.stop()
    assert held.on_worker == [True]
    assert held.parts == list(range(REPORT_PARTS))
    assert dialog.preview_stack.currentIndex() == 0 and dialog.pdf_button.isEnabled()
    report = dialog.report()
    assert report is not None and report.quarter == Q3
    assert dialog.preview.pageCount() == len(layout_report(report, dialog.options())[0])
    assert dialog.options().sections == ("summary", "marketing", "sales", "forecast")
    # A quarter read once is not read again.
    q2 = FiscalQuarter(FiscalYear(2026, 1), 2)
    dialog.select_quarter(q2)
    qtbot.waitUntil(lambda: dialog.report() is not None and dialog.pdf_button.isEnabled())
    dialog.select_quarter(Q3)
    assert dialog.report() is report and not dialog.reading
    assert len(held.on_worker) == 2


def test_cancel_stops_the_read_and_read_again_finishes_it(
    qtbot: QtBot, ops: Any, hold_read: Callable[[int], HeldRead]
) -> None:
    held = hold_read(3)
    dialog = ReportDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    assert held.started.wait(20)
    qtbot.waitUntil(lambda: dialog.preview_stack.currentIndex() == 1)
    panel = dialog.reading_panel
    runner = reads_for(ops)
    with qtbot.waitSignal(runner.settled, timeout=20_000):
        panel.button.click()
        held.opened.set()
    # The read stopped where it was held: the parts after it never ran.
    assert held.parts == [0, 1, 2, 3]
    assert not dialog.reading and dialog.report() is None
    assert panel.message.text() == (
        "Stopped before the numbers of Q3 FY 2026 were read. Read them again, or choose "
        "another quarter."
    )
    assert panel.button.text() == "Read Again" and not panel.bar.isVisible()
    assert dialog.preview_stack.currentIndex() == 1 and not dialog.pdf_button.isEnabled()
    panel.button.click()
    qtbot.waitUntil(lambda: dialog.preview.pageCount() > 0)
    assert held.parts[4:] == list(range(REPORT_PARTS))  # read again, from the start
    assert dialog.preview_stack.currentIndex() == 0 and dialog.pdf_button.isEnabled()
    report = dialog.report()
    assert report is not None and report.quarter == Q3


def test_choosing_another_quarter_drops_the_read_under_way(
    qtbot: QtBot, ops: Any, hold_read: Callable[[int], HeldRead]
) -> None:
    held = hold_read(1)
    dialog = ReportDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    assert held.started.wait(20)
    q2 = FiscalQuarter(FiscalYear(2026, 1), 2)
    dialog.select_quarter(q2)
    held.opened.set()
    qtbot.waitUntil(lambda: dialog.preview.pageCount() > 0)
    # Q3's read stopped where it was held; then Q2's ran whole.
    assert held.parts == [0, 1, *range(REPORT_PARTS)]
    report = dialog.report()
    assert report is not None and report.quarter == q2
    qtbot.waitUntil(lambda: not reads_for(ops).busy)
    assert Q3 not in dialog._reports


def test_write_pdf_reports_each_page_and_a_cancel_leaves_no_file(
    qtbot: QtBot, ops: Any, tmp_path: Path
) -> None:
    from ui.report.document import ReportOptions

    report = quarter_report(ops.plan, Q3, today=Q3.last_month.last_day)
    told: list[tuple[int, int]] = []
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / "report.pdf"

    def tell(done: int, total: int, stop_at: int | None = None) -> bool:
        told.append((done, total))
        return done != stop_at

    pages = write_pdf(report, ReportOptions(), out, tell)
    assert out.is_file() and told == [(n, pages) for n in range(pages + 1)]
    told.clear()
    again = folder / "again.pdf"
    with pytest.raises(ReportCancelled):
        write_pdf(report, ReportOptions(), again, lambda d, t: tell(d, t, stop_at=2))
    assert told == [(0, pages), (1, pages), (2, pages)]
    assert [p.name for p in folder.iterdir()] == ["report.pdf"]  # no temporary file either


def test_cancelling_a_save_leaves_no_file(
    qtbot: QtBot, ops: Any, dialogs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, ops)
    gate, painting = threading.Event(), threading.Event()
    real = write_pdf

    def held(report: Any, options: Any, path: Path, progress: Any) -> int:
        def step(done: int, total: int) -> bool:
            go_on = bool(progress(done, total))
            if done == 1:  # one page painted and told: wait for the test's Cancel
                painting.set()
                assert gate.wait(20), "the test never let the save go on"
            return go_on

        return int(real(report, options, path, step))

    monkeypatch.setattr(ui.report.jobs, "write_pdf", held)
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "q3.pdf"
    dialogs.save_answers.append(target)
    dialog.pdf_button.click()
    job = dialog.pdf_job
    assert job is not None
    progress = job.progress
    assert painting.wait(20)
    qtbot.waitUntil(progress.isVisible)
    assert not dialog.pdf_button.isEnabled()
    report = dialog.report()
    assert report is not None
    pages = len(layout_report(report, dialog.options())[0])
    qtbot.waitUntil(lambda: progress.labelText() == f"Laying out page 2 of {pages}\u2026")
    dialog.reject()  # Escape while saving cancels the save, not the dialog
    assert dialog.isVisible() and progress.labelText() == "Cancelling\u2026"
    cancel = progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    with qtbot.waitSignal(job.finished, timeout=20_000) as finished:
        cancel.click()
        gate.set()
    assert finished.args == [None]
    assert dialog.pdf_job is None and dialog.last_saved is None
    assert list(folder.iterdir()) == []  # neither the PDF nor its temporary file
    assert dialogs.texts() == []
    assert dialog.isVisible() and dialog.pdf_button.isEnabled()  # free to try again


def test_a_failed_read_says_why_and_can_be_tried_again(
    qtbot: QtBot, ops: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    real = quarter_report
    failures = [sqlite3.OperationalError("disk I/O error")]

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(ui.report_dialog, "quarter_report", flaky)
    dialog = ReportDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.reading_panel
    qtbot.waitUntil(lambda: not dialog.reading)
    assert dialog.preview_stack.currentIndex() == 1 and dialog.report() is None
    assert panel.message.text() == (
        "The numbers of Q3 FY 2026 could not be read. "
        "The plan file could not be read or written: disk I/O error."
    )
    assert panel.button.text() == "Read Again" and not dialog.pdf_button.isEnabled()
    panel.button.click()
    qtbot.waitUntil(lambda: dialog.preview.pageCount() > 0)
    assert dialog.preview_stack.currentIndex() == 0 and dialog.pdf_button.isEnabled()
