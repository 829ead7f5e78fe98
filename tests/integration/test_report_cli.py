"""``python app.py report``: the quarterly report as a PDF, headless, read back with poppler.

The numbers are computed here from the plan's raw rows (sqlite3), then looked for in the
PDF's text (pdftotext); every page is rendered (pdftoppm) and must not be blank.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.integration.cli_runner import ROOT, run_app

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)
TODAY = "2026-11-23"  # the day the sample plan was built for (tests/conftest.py)


def whole(minor: int) -> str:
    """A sum in minor units as the report prints it: whole units, US grouping."""
    units = (Decimal(minor) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{units:,}"


def scalar(path: Path, sql: str) -> Any:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchone()[0]


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]  # one form feed after every page


@pytest.fixture(autouse=True)
def _c_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain C locale, as on a server: the report then writes numbers the US way."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


def run_report(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run_app("report", *args, "--today", TODAY, tmp_path=tmp_path)


def test_report_pdf_holds_the_quarters_numbers_on_pages_that_are_not_blank(
    sample_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "q3.pdf"
    notes = "We opened a second shop in Altstadt in August."
    result = run_report(str(sample_path), "--pdf", str(out), "--notes", notes, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Q3 FY 2026" in result.stdout and str(out) in result.stdout
    pages = pdf_pages(out)
    assert 4 <= len(pages) <= 9
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Hartmann's Bakery & Catering" in page
    text = "\n".join(pages)
    q3 = "month BETWEEN '2026-07' AND '2026-09'"
    actual = scalar(sample_path, f"SELECT SUM(revenue_minor) FROM actual_sale WHERE {q3}")
    target = scalar(sample_path, f"SELECT SUM(revenue_minor) FROM target WHERE {q3} AND "
                    "offering_id IS NULL AND segment_id IS NULL AND owner_id IS NULL")  # fmt: skip
    september = scalar(
        sample_path, "SELECT SUM(revenue_minor) FROM actual_sale WHERE month = '2026-09'"
    )
    spend = scalar(sample_path, f"SELECT SUM(actual_spend_minor) FROM channel_month WHERE {q3}")
    closed = "closed_on BETWEEN '2026-07-01' AND '2026-09-30'"
    won = scalar(sample_path, f"SELECT COUNT(*) FROM deal WHERE status = 'won' AND {closed}")
    won_minor = scalar(
        sample_path, f"SELECT SUM(amount_minor) FROM deal WHERE status = 'won' AND {closed}"
    )
    lost = scalar(sample_path, f"SELECT COUNT(*) FROM deal WHERE status = 'lost' AND {closed}")
    open_then = scalar(
        sample_path, "SELECT COUNT(*) FROM deal WHERE created_on <= '2026-09-30' AND "
        "(closed_on IS NULL OR closed_on > '2026-09-30')",
    )  # fmt: skip
    pct = (Decimal((actual - target) * 100) / target).quantize(Decimal("0.1"))
    rate = (Decimal(won * 100) / (won + lost)).quantize(Decimal("0.1"))
    for expected in (
        "Quarterly report", "Q3 FY 2026: July 2026 to September 2026",
        f"EUR {whole(actual)}", whole(target), whole(september), f"{pct:+}%",
        whole(spend), whole(won_minor), f"{rate}%", f"{won} deals won",
        "Pipeline on 30 September 2026", "Forecast for Q4 FY 2026", notes,
    ):  # fmt: skip
        assert expected in text, expected
    totals = [line.split() for line in text.splitlines() if line.strip().startswith("All open")]
    assert totals and totals[0][3] == str(open_then)

    shutil.rmtree(tmp_path / "png", ignore_errors=True)
    (tmp_path / "png").mkdir()
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(out), str(tmp_path / "png" / "p")],
                   check=True)  # fmt: skip
    images = sorted((tmp_path / "png").glob("p-*.pgm"))
    assert len(images) == len(pages)
    for image in images:
        assert ink_variance(image) > 30, f"{image.name} looks blank"


def ink_variance(pgm: Path) -> float:
    """The variance of a binary (P5) greyscale image's pixels: near 0 for a blank page."""
    data = pgm.read_bytes()
    fields = data.split(maxsplit=4)
    assert fields[0] == b"P5"
    width, height = int(fields[1]), int(fields[2])
    pixels = fields[4][: width * height]
    mean = sum(pixels) / len(pixels)
    return sum((p - mean) ** 2 for p in pixels[::7]) / len(pixels[::7])


def test_letter_paper_chosen_sections_and_a_chosen_quarter(
    sample_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "q2.pdf"
    result = run_report(
        str(sample_path), "--pdf", str(out), "--quarter", "2026-Q2", "--paper", "letter",
        "--sections", "summary,sales", tmp_path=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "612 x 792 pts (letter)" in info.stdout
    text = "\n".join(pdf_pages(out))
    assert "Summary of Q2 FY 2026" in text and "Sales in Q2 FY 2026" in text
    assert "Marketing in" not in text and "Forecast for" not in text
    q2 = scalar(sample_path, "SELECT SUM(revenue_minor) FROM actual_sale "
                "WHERE month BETWEEN '2026-04' AND '2026-06'")  # fmt: skip
    assert f"EUR {whole(q2)}" in text


def test_mistakes_are_one_sentence_and_leave_no_file(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    bad_quarter = run_report(str(sample_path), "--pdf", str(out), "--quarter", "Q3",
                             tmp_path=tmp_path)  # fmt: skip
    assert bad_quarter.returncode == 1
    assert bad_quarter.stderr.strip() == (
        "'Q3' is not a quarter; write it as YYYY-Qn, e.g. 2026-Q3."
    )
    missing = run_report(str(sample_path), "--pdf", str(tmp_path / "nowhere" / "r.pdf"),
                         tmp_path=tmp_path)  # fmt: skip
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert list(tmp_path.glob("*.pdf*")) == []
    assert (ROOT / "app.py").is_file()
