"""``app.py forecast PLAN [--horizon N] [--method M] [--offering NAME] [--json]`` as a real
process on the sample plan, checked against the same query run in this process."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import run_app

from planner.db.plan import open_plan
from planner.queries.forecast import revenue_forecast


def test_forecast_table_and_json(sample_path: Path, tmp_path: Path) -> None:
    done = run_app("forecast", str(sample_path), "--horizon", "3", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    with open_plan(sample_path) as plan:
        expected = revenue_forecast(plan, horizon=3)
    lines = done.stdout.splitlines()
    assert lines[0] == "Forecast of All offerings (80% range)"
    assert lines[1].split() == ["Month", "Forecast", "Low", "High", "Target"]
    first = lines[2].split()
    assert " ".join(first[:2]) == expected.months[0].short_label
    assert first[2] == f"{expected.mean[0]:,.2f}"
    assert first[3] == f"{expected.lower[0]:,.2f}"
    assert first[4] == f"{expected.upper[0]:,.2f}"
    assert lines[-1] == expected.sentence
    assert len(lines) == 2 + 3 + 1

    done = run_app(
        "forecast", str(sample_path), "--json", "--horizon", "2", "--method", "naive",
        "--offering", "bakery counter", tmp_path=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["offering"] == "Bakery counter"
    assert data["method"] == "naive"
    assert [m["month"] for m in data["months"]] == [str(m) for m in expected.months[:2]]
    # Naive repeats the last complete month of the offering's actual revenue.
    with open_plan(sample_path) as plan:
        from planner.queries.forecast import offering_id_by_name

        bakery = offering_id_by_name(plan, "Bakery counter")
        naive = revenue_forecast(plan, offering_id=bakery, horizon=2, method="naive")
    assert data["months"][0]["forecast"] == str(naive.history[-1])
    assert data["months"][1]["forecast"] == str(naive.history[-1])


def test_unknown_offering_or_method_is_one_sentence(sample_path: Path, tmp_path: Path) -> None:
    done = run_app("forecast", str(sample_path), "--offering", "Cake", tmp_path=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("There is no offering called 'Cake'; the plan has: ")
    assert len(done.stderr.strip().splitlines()) == 1
    done = run_app("forecast", str(sample_path), "--method", "magic", tmp_path=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().startswith("'magic' is not a forecasting method; choose one of:")
