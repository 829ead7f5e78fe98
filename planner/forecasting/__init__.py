"""Sales forecasts from a short history: ``forecast(history, horizon, ...)``.

The public entry point is :func:`forecast`. It accepts any sequence of numbers (``None`` or NaN
for missing periods), never raises on odd input, and falls back to a simpler method when the
history is too short or too strange for the one asked for; ``ForecastResult.method`` names the
method actually used and ``note`` says why in plain words.

numpy is imported lazily (inside :func:`forecast`) so importing this package costs nothing at
application start-up. The methods live in ``methods.py``; "auto" and the prediction intervals in
``select.py``. Accuracy and speed on the M3 competition data are measured by
``bench/forecast_m3.py`` (numbers in ``select.py``'s docstring).

Why numpy code of our own rather than statsmodels or statsforecast: those add 380-560 MB and
1-2 s of import time (see shared STACK-NOTES), and statsmodels fits one Holt-Winters model in
~0.4 s. Here each smoothing method runs once through the series for the forecast and all its
back-test origins together (``methods.PATHS``), so a full "auto" forecast with back-tested
intervals costs about as much as three plain fits.

Measured against statsmodels 0.14's ThetaModel in the same process, one BLAS thread each
(``bench/forecast_m3.py --reference statsmodels-theta``, 80% intervals, this 2-core machine
while other jobs ran on it, 2026-11-23):

    set (series)             auto sMAPE  statsmodels Theta  time ratio  coverage auto / sm
    yearly (645)                  16.13              16.82        0.05       81.0% / 56.7%
    quarterly (756)                8.95               9.15        0.05       72.2% / 76.4%
    other (174)                    4.44               4.92        0.09       85.4% / 74.1%
    monthly back-test (1428)      14.12              14.19        0.07       82.0% / 86.0%

so the library is both slower (11-20x, before its ~1 s import) and less accurate here; it
stays a bench-only extra (``pip install -e '.[bench]'``). Before the one-pass back-test the
time ratios were 0.12 / 0.25 / 0.36 / 0.38 on a quiet machine, with the same forecasts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["METHOD_NAMES", "ForecastResult", "description", "forecast"]

# Names a user can pick, in the order the UI should list them.
METHOD_NAMES: tuple[str, ...] = (
    "auto",
    "naive",
    "seasonal naive",
    "moving average",
    "linear trend",
    "holt",
    "damped trend",
    "holt-winters additive",
    "holt-winters multiplicative",
    "theta",
)


@dataclass(frozen=True)
class ForecastResult:
    """Point forecasts and a prediction interval, one value per future period."""

    mean: list[float]
    lower: list[float]
    upper: list[float]
    method: str
    level: float
    note: str = ""
    # For "auto": the methods combined; empty otherwise.
    components: list[str] = field(default_factory=list)
    # How far off the method would have been on the most recent stretch of history it can be
    # checked on: forecast from ``backtest_periods`` periods before the end, compared with what
    # really happened in those periods (sMAPE %, M3 definition); None when the history is too
    # short to check.
    backtest_smape: float | None = None
    backtest_periods: int = 0


def description(method: str) -> str:
    """One plain-English line explaining a method, for the method picker."""
    from planner.forecasting.methods import DESCRIPTIONS

    return DESCRIPTIONS.get(method, "")


def forecast(
    history: Sequence[float | None],
    horizon: int,
    *,
    season_length: int = 12,
    method: str = "auto",
    level: float = 80,
) -> ForecastResult:
    """Forecast ``horizon`` periods after ``history`` (oldest first, one value per period).

    ``method`` is one of :data:`METHOD_NAMES`; ``level`` the prediction interval in percent.
    Never raises for odd histories (empty, short, flat, zeros, gaps, noise): it falls back
    to a simpler method and reports it in ``method`` and ``note``. Unknown method names and
    a negative horizon are programming errors and raise ``ValueError``.
    """
    from planner.forecasting.select import run_forecast

    if method not in METHOD_NAMES:
        raise ValueError(f"Unknown forecasting method: {method!r}")
    horizon = int(horizon)
    if horizon < 0:
        raise ValueError("horizon must be zero or more")
    level = min(max(float(level), 1.0), 99.5)
    return run_forecast(history, horizon, max(int(season_length), 1), method, level)
