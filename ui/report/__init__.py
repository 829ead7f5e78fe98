"""The printed quarterly report: laid out once, painted on a PDF file, a printer or a preview.

``render`` draws the report on any paged device (``QPdfWriter``, ``QPrinter``, the printer
of a ``QPrintPreviewWidget``); ``write_pdf`` saves it to a file through a temporary file
in the same folder, so a failure or a cancel never leaves a half-written or clobbered PDF;
its ``progress`` hears of every page (the dialog saves on a worker thread, where painting
on a ``QPdfWriter`` is allowed) and can cancel with ``ReportCancelled``.
``default_paper`` picks US Letter where that is the local paper, else A4.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

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


PageProgress = Callable[[int, int], bool]  # (pages painted, pages in all) -> go on?


class ReportCancelled(Exception):
    """The owner cancelled while the report was being painted."""


class _ToldPages(Sequence[Page]):
    """The pages, telling ``progress`` before each is painted (``paint_pages`` goes through
    them once, in order) and once more when all are done; a False answer cancels there."""

    def __init__(self, pages: list[Page], progress: PageProgress) -> None:
        self._pages = pages
        self._progress = progress

    def _tell(self, done: int) -> None:
        if self._progress(done, len(self._pages)) is False:
            raise ReportCancelled

    def __len__(self) -> int:
        return len(self._pages)

    @overload
    def __getitem__(self, index: int) -> Page: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Page]: ...
    def __getitem__(self, index: int | slice) -> Page | Sequence[Page]:
        return self._pages[index]

    def __iter__(self) -> Iterator[Page]:
        for done, page in enumerate(self._pages):
            self._tell(done)
            yield page
        self._tell(len(self._pages))


def render(
    device: QPagedPaintDevice,
    report: QuarterReport,
    options: ReportOptions,
    progress: PageProgress | None = None,
) -> int:
    """Draw the report on ``device`` (set to the report's paper first); returns the pages.
    ``progress(pages painted, pages in all)`` is asked before each page and at the end;
    False stops with ``ReportCancelled``."""
    laid_out, geometry = layout_report(report, options)
    pages: Sequence[Page] = laid_out if progress is None else _ToldPages(laid_out, progress)
    device.setPageLayout(geometry.layout)
    running = RunningText(
        report.business,
        f"Quarterly report \u00b7 {report.quarter.label}",
        f"Prepared on {report.today:%d %b %Y}",
    )
    paint_pages(device, pages, geometry, running)
    return len(pages)


def write_pdf(
    report: QuarterReport,
    options: ReportOptions,
    path: Path,
    progress: PageProgress | None = None,
) -> int:
    """Save the report as a PDF at ``path``; returns the number of pages. A cancel through
    ``progress`` (see ``render``) raises ``ReportCancelled`` and leaves no file behind."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".pdf.part", dir=folder)
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    writer: QPdfWriter | None = None
    try:
        os.chmod(temp_name, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        writer = QPdfWriter(temp_name)
        writer.setResolution(600)
        writer.setCreator("Sales & Marketing Planner")
        writer.setTitle(f"{report.business}: quarterly report {report.quarter.label}")
        pages = render(writer, report, options, progress)
        writer = None  # finishes the file
        if os.path.getsize(temp_name) == 0:
            raise OSError(f"The PDF could not be written to '{path}'.")
        os.replace(temp_name, path)
    except BaseException:
        writer = None  # closes the file before it goes
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return pages


__all__ = [
    "PAPERS",
    "SECTIONS",
    "PageProgress",
    "ReportCancelled",
    "ReportOptions",
    "default_paper",
    "layout_report",
    "render",
    "write_pdf",
]
