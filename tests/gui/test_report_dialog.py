"""The Print Quarterly Report dialog and the page layout under it: the live preview, saving
a PDF, the paper setting, tables that carry their header onto the next page, and a failed
save that leaves the old file alone."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QPdfWriter
from pytestqt.qtbot import QtBot

from planner.domain.periods import FiscalQuarter, FiscalYear
from ui.report import default_paper, layout_report, write_pdf
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
        return len(layout_report(dialog.report(), dialog.options())[0])

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
    dialog.pdf_button.click()
    saved = tmp_path / "spring.pdf"
    assert dialog.last_saved == saved and saved.is_file()
    assert dialogs.texts("information") == ["The report was saved as spring.pdf."]
    assert dialogs.file_captions == ["Save the Report as PDF"]
    text = "\n".join(pdf_pages(saved))
    assert "Summary of Q2 FY 2026" in text and "Spring was busy with weddings." in text
    report = dialog.report()
    assert report.quarter == q2 and report.total.actual is not None
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
