"""planner.forecasting: the API shape, each method on series with known answers, fallbacks on
odd histories, and interval coverage on simulated data (fixed seeds, so it cannot flake)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from planner.forecasting import METHOD_NAMES, ForecastResult, description, forecast
from planner.forecasting.methods import DESCRIPTIONS, METHODS, PATHS, seasonal_indices
from planner.forecasting.select import _median, _quantile, clean, smape

PATTERN = [10.0, 12.0, 15.0, 11.0, 9.0, 8.0, 13.0, 16.0, 18.0, 14.0, 12.0, 20.0]


def seasonal_trend(n: int, multiplicative: bool = False) -> np.ndarray:
    t = np.arange(n, dtype=float)
    season = np.array(PATTERN)[np.arange(n) % 12]
    if multiplicative:
        return (100 + 2 * t) * season / np.mean(PATTERN)
    return 100 + 2 * t + season


def check_shape(r: ForecastResult, h: int) -> None:
    assert len(r.mean) == len(r.lower) == len(r.upper) == h
    assert all(isinstance(v, float) and math.isfinite(v) for v in r.mean + r.lower + r.upper)
    assert all(lo <= m <= hi for lo, m, hi in zip(r.lower, r.mean, r.upper, strict=True))
    assert r.method in METHOD_NAMES


def test_api_shape_and_descriptions() -> None:
    r = forecast(seasonal_trend(48), 6)
    check_shape(r, 6)
    assert r.method == "auto"
    assert r.level == 80
    assert set(r.components) == {"theta", "damped trend", "ses", "holt-winters additive"}
    assert r.backtest_smape is not None and 0 <= r.backtest_smape < 5
    for name in METHOD_NAMES:
        assert description(name) == DESCRIPTIONS[name]
        assert len(DESCRIPTIONS[name]) > 20
    assert forecast([1.0, 2.0], 0).mean == []
    with pytest.raises(ValueError):
        forecast([1.0], 3, method="crystal ball")


def test_import_is_cheap() -> None:
    code = "import sys, planner.forecasting; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_naive_seasonal_naive_and_moving_average() -> None:
    y = seasonal_trend(36)
    assert forecast(y, 3, method="naive").mean == [y[-1]] * 3
    r = forecast(y, 18, method="seasonal naive")
    assert r.mean == pytest.approx(list(y[-12:]) + list(y[-12:-6]))
    assert forecast([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 2, method="moving average").mean == [
        6.5,
        6.5,
    ]


def test_linear_trend_extends_a_straight_line_exactly() -> None:
    r = forecast([3 + 2.5 * t for t in range(20)], 5, method="linear trend")
    assert r.mean == pytest.approx([3 + 2.5 * t for t in range(20, 25)])


def test_theta_adds_half_the_trend_on_a_clean_line() -> None:
    # On a straight line SES tracks the last value (alpha = 1) and Theta adds half the slope:
    # the textbook property of the standard Theta method.
    y = [50 + 4 * t for t in range(30)]
    r = forecast(y, 6, season_length=1, method="theta")
    assert r.mean == pytest.approx([166 + 2 * h for h in range(1, 7)], rel=1e-3)


@pytest.mark.parametrize("name", ["holt", "damped trend", "auto"])
def test_trend_methods_follow_a_clean_line(name: str) -> None:
    y = [50 + 4 * t for t in range(30)]
    truth = [50 + 4 * t for t in range(30, 36)]
    r = forecast(y, 6, season_length=1, method=name)
    assert r.method == name
    # Damped trend (and auto, which includes Theta) flattens the trend on purpose.
    tol = 1e-6 if name == "holt" else 0.06
    assert r.mean == pytest.approx(truth, rel=tol)


def test_ses_and_flat_series() -> None:
    r = forecast([7.0] * 24, 4, season_length=1, method="auto")
    assert r.mean == pytest.approx([7.0] * 4)
    assert r.lower == pytest.approx([7.0] * 4) and r.upper == pytest.approx([7.0] * 4)
    assert METHODS["ses"](np.array([5.0] * 10), 3, 1) == pytest.approx([5.0] * 3)


@pytest.mark.parametrize(
    ("name", "multiplicative"),
    [("holt-winters additive", False), ("holt-winters multiplicative", True)],
)
def test_holt_winters_on_clean_seasonal_trend(name: str, multiplicative: bool) -> None:
    y = seasonal_trend(72, multiplicative)
    r = forecast(y[:60], 12, method=name)
    assert r.method == name
    assert np.max(np.abs(np.array(r.mean) / y[60:] - 1)) < 0.01


def test_theta_uses_seasonal_adjustment_on_seasonal_data() -> None:
    y = seasonal_trend(72, multiplicative=True)
    idx = seasonal_indices(y, 12)
    assert idx is not None and idx.mean() == pytest.approx(1.0)
    r = forecast(y[:60], 12, method="theta")
    assert smape(y[60:], np.array(r.mean)) < 5
    assert seasonal_indices(np.arange(1.0, 61.0), 12) is None


@pytest.mark.parametrize(
    "history",
    [
        [],
        [5],
        [0] * 30,
        [None, 3, None, 4, 5, None, 7],
        [math.nan] * 5,
        [None, "x", 2, math.inf, 4],
        [0, 0, 0, 5, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1],
        [-5.0, 3.0, -2.0],
    ],
)
@pytest.mark.parametrize("name", METHOD_NAMES)
def test_never_raises_on_odd_histories(history: list[object], name: str) -> None:
    r = forecast(history, 4, method=name)  # type: ignore[arg-type]
    check_shape(r, 4)


def test_huge_noise_and_huge_values() -> None:
    rng = np.random.default_rng(1)
    for name in METHOD_NAMES:
        check_shape(forecast(list(rng.normal(0, 1e9, 50)), 8, method=name), 8)
        check_shape(forecast([1e300, -1e300] * 20, 3, method=name), 3)
        check_shape(forecast([1.7e308, 1e308, -1.7e308] * 10, 3, method=name), 3)


def test_fallbacks_are_reported() -> None:
    assert forecast([], 2).mean == [0.0, 0.0]
    r = forecast([4.0, 5.0], 2, method="holt-winters multiplicative")
    assert r.method == "naive"
    assert "holt-winters multiplicative" in r.note
    r = forecast(seasonal_trend(18), 3, method="holt-winters additive")
    assert r.method == "damped trend"
    r = forecast([0.0, 3.0] * 15, 3, method="holt-winters multiplicative")
    assert r.method == "holt-winters additive"
    r = forecast([5.0], 2, method="auto")
    assert r.method == "naive" and r.mean == [5.0, 5.0]
    assert "auto needs" in r.note
    assert forecast([1, None, 3], 1).note == "1 missing period filled in."


def test_clean_fills_gaps() -> None:
    y, note = clean([None, 2, None, 4, None])
    assert list(y) == [2.0, 3.0, 4.0, 4.0]
    assert note == "2 missing periods filled in."


def test_intervals_widen_with_the_horizon() -> None:
    rng = np.random.default_rng(3)
    y = 200 + np.cumsum(rng.normal(0, 5, 60))
    r = forecast(list(y), 12, season_length=1)
    widths = np.array(r.upper) - np.array(r.lower)
    assert np.all(np.diff(widths) > 0)
    narrow = forecast(list(y), 12, season_length=1, level=50)
    assert np.all(np.array(narrow.upper) - np.array(narrow.lower) < widths)


@pytest.mark.parametrize("name", ["naive", "auto"])
def test_coverage_on_random_walks_is_near_the_level(name: str) -> None:
    inside = total = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        y = 100 + np.cumsum(rng.normal(0, 1, 66))
        r = forecast(list(y[:60]), 6, season_length=1, method=name, level=80)
        actual = y[60:]
        inside += int(np.sum((actual >= r.lower) & (actual <= r.upper)))
        total += len(actual)
    assert 0.65 <= inside / total <= 0.95


def test_smape_matches_the_paper_definition() -> None:
    assert smape(np.array([100.0, 50.0]), np.array([100.0, 150.0])) == pytest.approx(50.0)
    assert smape(np.array([0.0]), np.array([0.0])) == 0.0


def test_quarterly_auto_is_the_mean_of_theta_and_holt_winters() -> None:
    # Season length 4 uses the two-method mean measured best on quarterly back-tests.
    y = [100 + 3 * t + [8.0, -5.0, 2.0, -5.0][t % 4] for t in range(40)]
    r = forecast(y, 8, season_length=4)
    assert r.method == "auto"
    assert r.components == ["theta", "holt-winters additive"]
    theta = forecast(y, 8, season_length=4, method="theta").mean
    hw = forecast(y, 8, season_length=4, method="holt-winters additive").mean
    assert r.mean == pytest.approx([(a + b) / 2 for a, b in zip(theta, hw, strict=True)])
    truth = [100 + 3 * t + [8.0, -5.0, 2.0, -5.0][t % 4] for t in range(40, 48)]
    assert np.max(np.abs(np.array(r.mean) / truth - 1)) < 0.03


def test_interval_width_depends_on_season_length_and_origin_count() -> None:
    from planner.forecasting import select

    y = np.linspace(100.0, 140.0, 30)
    mean = np.full(4, 140.0)
    errors = np.tile(np.linspace(-1.0, 1.0, 4), 10)  # ten origins of four steps
    widths = {}
    for m in (1, 4, 12):
        lo, hi = select.intervals(y, mean, errors, 80, m)
        widths[m] = float(hi[0] - lo[0])
    factors = select.SEASON_FACTORS
    assert widths[1] / widths[12] == pytest.approx(factors[1] / factors[12])
    assert widths[4] / widths[12] == pytest.approx(factors[4] / factors[12])
    # Fewer back-test origins give wider intervals (quantiles of few errors understate).
    lo, hi = select.intervals(y, mean, errors[:16], 80, 4)
    assert hi[0] - lo[0] > widths[4] * 1.3


@pytest.mark.parametrize("name", sorted(PATHS))
@pytest.mark.parametrize("m", [1, 4, 12])
def test_one_pass_over_many_origins_equals_one_fit_per_origin(name: str, m: int) -> None:
    # The back-test fits every origin in one pass; each row must be the forecast that a fit
    # on that origin's own history gives (seasonal indices, fallbacks and all).
    rng = np.random.default_rng(m)
    y = seasonal_trend(60, multiplicative=True) * rng.uniform(0.8, 1.2, 60)
    y[7] = -5.0 if name == "holt-winters multiplicative" and m == 4 else y[7]
    origins = np.array([1, 2, 3, 5, 8, 11, 13, 24, 25, 30, 37, 48, 59, 60])
    together = PATHS[name](y, origins, 7, m)
    for row, origin in zip(together, origins, strict=True):
        alone = PATHS[name](y[:origin], np.array([origin]), 7, m)[0]
        assert row == pytest.approx(alone, rel=1e-9, abs=1e-9), (name, m, origin)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_median_of_forecasts_equals_numpys_including_nan_and_inf(k: int) -> None:
    rng = np.random.default_rng(k)
    for trial in range(60):
        arrays = [rng.normal(size=(3, 5)) for _ in range(k)]
        if trial % 3 == 0:
            arrays[0][1, 2] = np.nan  # one method failed there: the combination fails too
        if trial % 4 == 0:
            arrays[-1][0, 0] = np.inf
        if trial % 5 == 0:
            arrays[0][2, 4] = -np.inf
        with np.errstate(invalid="ignore"):
            expected = np.median(arrays, axis=0)
            got = _median(arrays)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
        np.testing.assert_allclose(got, expected, equal_nan=True)


@pytest.mark.parametrize("n", [1, 2, 3, 8, 13, 100])
def test_quantile_equals_numpys_exactly(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(40):
        values = rng.normal(size=n) * 10.0 ** rng.integers(-3, 5)
        for q in (0.0, 0.05, 0.1, 0.5, 0.9, 0.95, 1.0):
            assert _quantile(values, q) == float(np.quantile(values, q))


def test_auto_forecast_does_not_load_numpy_ma() -> None:
    # np.median's NaN check imports numpy.ma, 15-30 ms of the window's start (issue 10).
    code = (
        "import sys; from planner.forecasting import forecast; "
        "forecast([float(i % 12 + 10) for i in range(48)], 6, method='auto'); "
        "print('numpy.ma' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
