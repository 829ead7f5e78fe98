"""sMAPE, speed and interval coverage of planner.forecasting on the M3-Competition series.

    .venv/bin/python bench/forecast_m3.py [--sets yearly,quarterly,other,monthly-backtest]
                                          [--limit N] [--method auto] [--level 80]
                                          [--monthly-test PATH]

Sets: ``yearly`` (h=6), ``quarterly`` (h=8), ``other`` (h=8) score against the held-out values
in ../shared/data/m3/. ``monthly-backtest`` holds out the last 18 values of each monthly
*training* series (for development). ``monthly`` is the acceptance run on the real monthly
held-out values; it needs ``--monthly-test`` pointing at a decrypted CSV (series_id,test with
space-separated values) and must never be used for tuning.

The reference, run in the same process, is this package's own Theta by default, or with
``--reference statsmodels-theta`` statsmodels' ThetaModel (``pip install statsmodels`` into
.venv; it is not a dependency of the app). The M3 paper's published Theta sMAPE is printed
beside it. Ratios < 1 mean the tested method is more accurate (sMAPE) or faster (time)
than the reference.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# One BLAS thread for both sides: a fair comparison, and one that a busy machine (where extra
# threads only fight each other) does not distort. Set before numpy is first imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.forecasting import forecast  # noqa: E402
from planner.forecasting.select import smape  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "m3"
PUBLISHED_THETA = {"yearly": 16.90, "quarterly": 8.96, "monthly": 13.85}
SETS = {  # name: (file, season length, horizon)
    "yearly": ("m3_yearly.csv", 1, 6),
    "quarterly": ("m3_quarterly.csv", 4, 8),
    "other": ("m3_other.csv", 1, 8),
    "monthly-backtest": ("m3_monthly_train.csv", 12, 18),
    "monthly": ("m3_monthly_train.csv", 12, 18),
}


@dataclass
class Score:
    smape: float
    seconds: float
    coverage: float


def load(name: str, monthly_test: Path | None) -> list[tuple[list[float], list[float]]]:
    """(train, test) pairs for one set."""
    file, _m, h = SETS[name]
    tests: dict[str, list[float]] = {}
    if name == "monthly":
        if monthly_test is None:
            raise SystemExit("The monthly acceptance run needs --monthly-test PATH.")
        with monthly_test.open(newline="") as fh:
            tests = {
                r["series_id"]: [float(v) for v in r["test"].split()] for r in csv.DictReader(fh)
            }
    pairs = []
    with (DATA / file).open(newline="") as fh:
        for row in csv.DictReader(fh):
            train = [float(v) for v in row["train"].split()]
            if name == "monthly-backtest":
                train, test = train[:-h], train[-h:]
            elif name == "monthly":
                test = tests[row["series_id"]]
            else:
                test = [float(v) for v in row["test"].split()]
            pairs.append((train, test))
    return pairs


def score(pairs: list[tuple[list[float], list[float]]], m: int, h: int, method: str,
          level: float) -> Score:  # fmt: skip
    import numpy as np

    errors, inside, total = [], 0, 0
    start = time.perf_counter()
    results = [
        forecast(train, h, season_length=m, method=method, level=level) for train, _ in pairs
    ]
    seconds = time.perf_counter() - start
    for (_, test), r in zip(pairs, results, strict=True):
        actual = np.asarray(test)
        errors.append(smape(actual, np.asarray(r.mean)))
        inside += int(np.sum((actual >= np.asarray(r.lower)) & (actual <= np.asarray(r.upper))))
        total += len(actual)
    return Score(float(np.mean(errors)), seconds, 100 * inside / max(total, 1))


def score_statsmodels(pairs: list[tuple[list[float], list[float]]], m: int, h: int,
                     level: float) -> Score:  # fmt: skip
    """statsmodels' ThetaModel (deseasonalised when the series tests seasonal) per series."""
    import warnings

    import numpy as np
    from statsmodels.tsa.forecasting.theta import ThetaModel

    errors, inside, total = [], 0, 0
    start = time.perf_counter()
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for train, _ in pairs:
            y = np.asarray(train, dtype=float)
            try:
                seasonal = m > 1 and len(y) >= 2 * m
                fit = ThetaModel(y, period=m if seasonal else 1, deseasonalize=seasonal).fit()
                mean = np.asarray(fit.forecast(h))
                bounds = np.asarray(fit.prediction_intervals(h, alpha=1 - level / 100))
                lower, upper = bounds[:, 0], bounds[:, 1]
            except Exception:  # too short for the model: the naive forecast, no range
                mean = lower = upper = np.full(h, y[-1])
            results.append((mean, lower, upper))
    seconds = time.perf_counter() - start
    for (_, test), (mean, lower, upper) in zip(pairs, results, strict=True):
        actual = np.asarray(test)
        errors.append(smape(actual, mean))
        inside += int(np.sum((actual >= lower) & (actual <= upper)))
        total += len(actual)
    return Score(float(np.mean(errors)), seconds, 100 * inside / max(total, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="yearly,quarterly,other,monthly-backtest")
    parser.add_argument("--limit", type=int, default=0, help="only the first N series per set")
    parser.add_argument("--method", default="auto")
    parser.add_argument("--reference", default="theta")
    parser.add_argument("--level", type=float, default=80)
    parser.add_argument("--monthly-test", type=Path, default=None)
    args = parser.parse_args()

    header = (f"{'set':<17}{'n':>5} {'sMAPE':>7} {'ref':>7} {'ratio':>6} {'M3 Theta':>9} "
              f"{'time s':>7} {'ref s':>7} {'ratio':>6} {'cover%':>7} {'ref cov':>7}")  # fmt: skip
    print(f"method={args.method} reference={args.reference} level={args.level:g}")
    print(header)
    for name in args.sets.split(","):
        name = name.strip()
        if name not in SETS:
            raise SystemExit(f"Unknown set {name!r}; choose from {', '.join(SETS)}")
        pairs = load(name, args.monthly_test)
        if args.limit:
            pairs = pairs[: args.limit]
        _file, m, h = SETS[name]
        ours = score(pairs, m, h, args.method, args.level)
        if args.reference == "statsmodels-theta":
            ref = score_statsmodels(pairs, m, h, args.level)
        else:
            ref = score(pairs, m, h, args.reference, args.level)
        published = PUBLISHED_THETA.get(name)
        pub = f"{published:9.2f}" if published and not args.limit else f"{'-':>9}"
        print(
            f"{name:<17}{len(pairs):>5} {ours.smape:7.2f} {ref.smape:7.2f} "
            f"{ours.smape / ref.smape:6.3f} {pub} {ours.seconds:7.2f} {ref.seconds:7.2f} "
            f"{ours.seconds / ref.seconds:6.2f} {ours.coverage:7.1f} {ref.coverage:7.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
