"""The printed quarterly report: laid out once, painted on a PDF file, a printer or a preview.

``render`` draws the report on any paged device (``QPdfWriter``, ``QPrinter``, the printer
of a ``QPrintPreviewWidget``); ``write_pdf`` saves it to a file through a temporary file
in the same folder, so a failure never leaves a half-written or clobbered PDF.
``default_paper`` picks US Letter where that is the local paper, else A4.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtGui import QPagedPaintDevice, QPdfWriter

from planner.queries.report import QuarterReport
from ui.report.document import SECTIONS, ReportOptions, build
from ui.report.layout import Page, PageGeometry, RunningText, page_layout, paginate, paint_pages

# Where US Letter is the usual paper (the Americas that follow the US, and the Philippines).
LETTER_TERRITORIES = frozenset({
    QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico,
    QLocale.Country.Chile, QLocale.Country.Colombia, QLocale.Country.CostaRica,
    QLocale.Country.DominicanRepublic, QLocale.Country.ElSalvador,
    QLocale.Country.Guatemala, QLocale.Country.Panama, QLocale.Country.Philippines,
    QLocale.Country.PuertoRico, QLocale.Country.Venezuela,
})  # fmt: skip
PAPERS = {"a4": "A4", "letter": "US Letter"}


def default_paper(locale: QLocale | None = None) -> str:
    """ "letter" in the US, Canada, Mexico and the other Letter countries; else "a4"."""
    territory = (locale or QLocale()).territory()
    return "letter" if territory in LETTER_TERRITORIES else "a4"


def layout_report(report: QuarterReport, options: ReportOptions) -> tuple[list[Page], PageGeometry]:
    """The report's pages for the chosen paper."""
    geometry = PageGeometry(page_layout(options.paper))
    body = geometry.body
    flow = build(report, options, body.width(), body.height())
    return paginate(flow.slices, body.height()), geometry


def render(device: QPagedPaintDevice, report: QuarterReport, options: ReportOptions) -> int:
    """Draw the report on ``device`` (set to the report's paper first); returns the pages."""
    pages, geometry = layout_report(report, options)
    device.setPageLayout(geometry.layout)
    running = RunningText(
        report.business,
        f"Quarterly report \u00b7 {report.quarter.label}",
        f"Prepared on {report.today:%d %b %Y}",
    )
    paint_pages(device, pages, geometry, running)
    return len(pages)


def write_pdf(report: QuarterReport, options: ReportOptions, path: Path) -> int:
    """Save the report as a PDF at ``path``; returns the number of pages."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".pdf.part", dir=folder)
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temp_name, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        writer = QPdfWriter(temp_name)
        writer.setResolution(600)
        writer.setCreator("Sales & Marketing Planner")
        writer.setTitle(f"{report.business}: quarterly report {report.quarter.label}")
        pages = render(writer, report, options)
        del writer  # finishes the file
        if os.path.getsize(temp_name) == 0:
            raise OSError(f"The PDF could not be written to '{path}'.")
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return pages


__all__ = [
    "PAPERS",
    "SECTIONS",
    "ReportOptions",
    "default_paper",
    "layout_report",
    "render",
    "write_pdf",
]
