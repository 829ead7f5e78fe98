"""Forecasting methods in plain numpy: each maps a clean history to point forecasts.

Every method has the signature ``method(y, h, m) -> ndarray`` where ``y`` is a gap-free float
array (oldest first), ``h`` the horizon and ``m`` the season length (1 = no seasonality).
Smoothing parameters are chosen by a vectorised grid search on one-step-ahead squared errors:
the whole grid is advanced through the series at once, so a fit costs one Python loop over the
periods. Non-seasonal methods (SES, Holt, damped, Theta) work on the classically
deseasonalised series when the M3-style 90% autocorrelation test finds seasonality, as in the
M3 competition. Callers (``planner.forecasting.forecast``) handle gaps and too-short series.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Array = Any  # numpy arrays; kept loose so the module stays readable without numpy stubs
Method = Callable[[Array, int, int], Array]

DESCRIPTIONS: dict[str, str] = {
    "auto": "Tries several methods on your own past figures and uses the mix that did best.",
    "naive": "Assumes every coming period will be the same as the last one.",
    "seasonal naive": "Repeats the same period of last year (or last season) exactly.",
    "moving average": "Uses the average of the most recent periods for every coming period.",
    "linear trend": "Draws the best straight line through the history and extends it.",
    "ses": "A weighted average that trusts recent periods more, with no trend.",
    "holt": "Follows the recent level and trend and extends the trend in a straight line.",
    "damped trend": "Follows the recent trend but lets it flatten out over time.",
    "holt-winters additive": "Level, trend and a seasonal pattern that adds a fixed amount.",
    "holt-winters multiplicative": "Level, trend and a seasonal pattern that scales with size.",
    "theta": "Smooths the series and adds half its long-run trend (the M3 competition winner).",
}


def _grid(*axes: Array) -> list[Array]:
    """Every combination of the given parameter values, one flat array per parameter."""
    mesh = np.meshgrid(*axes, indexing="ij")
    return [g.ravel() for g in mesh]


def seasonal_indices(y: Array, m: int) -> Array | None:
    """Multiplicative seasonal indices (length m, mean 1) or None if not seasonal.

    Uses the M3 test: the autocorrelation at lag m must exceed 1.645 standard errors
    (Bartlett), and classical decomposition with a centred moving average.
    """
    n = len(y)
    if m <= 1 or n < 3 * m or np.min(y) <= 0:
        return None
    d = y - y.mean()
    denom = float(d @ d)
    if denom <= 0:
        return None
    r = np.array([float(d[k:] @ d[:-k]) / denom for k in range(1, m + 1)])
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[: m - 1] ** 2)) / n)
    if abs(r[m - 1]) <= limit:
        return None
    # Centred moving average of order m (2 x m when m is even) so it lines up with periods.
    w = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    ma = np.convolve(y, w, mode="valid")
    off = (len(w) - 1) // 2
    ratio = y[off : off + len(ma)] / ma
    pos = (np.arange(len(ma)) + off) % m
    idx = np.array([ratio[pos == k].mean() for k in range(m)])
    idx = idx / idx.mean()
    if not np.all(np.isfinite(idx)) or np.any(idx <= 0):
        return None
    return idx


def deseasonalised(fn: Method) -> Method:
    """Wrap a non-seasonal method so it runs on seasonally adjusted data when seasonal."""

    def wrapped(y: Array, h: int, m: int) -> Array:
        idx = seasonal_indices(y, m)
        if idx is None:
            return fn(y, h, 1)
        n = len(y)
        si = idx[np.arange(n) % m]
        fc = fn(y / si, h, 1)
        return fc * idx[np.arange(n, n + h) % m]

    wrapped.__name__ = fn.__name__
    return wrapped


def naive(y: Array, h: int, m: int) -> Array:
    return np.full(h, y[-1], dtype=float)


def seasonal_naive(y: Array, h: int, m: int) -> Array:
    if m <= 1 or len(y) < m:
        return naive(y, h, m)
    last = y[-m:]
    return np.array([last[j % m] for j in range(h)], dtype=float)


def moving_average(y: Array, h: int, m: int) -> Array:
    window = min(len(y), max(m, 3))
    return np.full(h, float(np.mean(y[-window:])))


def linear_trend(y: Array, h: int, m: int) -> Array:
    n = len(y)
    if n < 2:
        return naive(y, h, m)
    t = np.arange(n, dtype=float)
    slope, intercept = np.polyfit(t, y, 1)
    return intercept + slope * np.arange(n, n + h, dtype=float)


def _ses_fit(y: Array) -> tuple[float, float]:
    """Best alpha and final level of simple exponential smoothing (grid search)."""
    alphas = np.linspace(0.01, 1.0, 100)
    level = np.full(alphas.shape, y[0], dtype=float)
    sse = np.zeros_like(alphas)
    for t in range(1, len(y)):
        e = y[t] - level
        sse += e * e
        level = level + alphas * e
    k = int(np.argmin(sse))
    return float(alphas[k]), float(level[k])


def _ses(y: Array, h: int, m: int) -> Array:
    return np.full(h, _ses_fit(y)[1])


def _trend_fit(y: Array, h: int, phis: Array) -> Array:
    """Holt's linear trend over a grid of (alpha, beta, phi); returns the best forecast."""
    if len(y) < 3:
        return naive(y, h, 1)
    a, b_frac, phi = _grid(
        np.array([0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0]),
        np.array([0.01, 0.05, 0.1, 0.2, 0.4]),
        np.asarray(phis, dtype=float),
    )
    beta = a * b_frac  # beta as a fraction of alpha keeps the trend smoother than the level
    # Start from a straight line through the first few periods: a single first difference
    # is too noisy a starting trend for short, noisy business series.
    k0 = min(len(y), 10)
    slope0, icept0 = np.polyfit(np.arange(k0, dtype=float), y[:k0], 1)
    level = np.full(a.shape, icept0 - slope0, dtype=float)
    trend = np.full(a.shape, slope0, dtype=float)
    sse = np.zeros_like(a)
    for t in range(len(y)):
        pred = level + phi * trend
        e = y[t] - pred
        sse += e * e
        level = pred + a * e
        trend = phi * trend + beta * e
    k = int(np.argmin(sse))
    steps = np.cumsum(phi[k] ** np.arange(1, h + 1))
    return level[k] + steps * trend[k]


def _holt(y: Array, h: int, m: int) -> Array:
    return _trend_fit(y, h, np.array([1.0]))


def _damped(y: Array, h: int, m: int) -> Array:
    return _trend_fit(y, h, np.array([0.8, 0.88, 0.94, 0.98]))


def _theta(y: Array, h: int, m: int) -> Array:
    """Standard Theta (Assimakopoulos & Nikolopoulos 2000), Hyndman & Billah's SES form."""
    n = len(y)
    if n < 3:
        return naive(y, h, m)
    alpha, level = _ses_fit(y)
    t = np.arange(n, dtype=float)
    slope = np.polyfit(t, y, 1)[0]
    steps = np.arange(1, h + 1, dtype=float)
    alpha = max(alpha, 1e-3)
    drift = 0.5 * slope * (steps - 1 + 1 / alpha - (1 - alpha) ** n / alpha)
    return level + drift


ses = deseasonalised(_ses)
holt = deseasonalised(_holt)
damped_trend = deseasonalised(_damped)
theta = deseasonalised(_theta)


# Holt-Winters grid: alpha, beta (as a fraction of alpha), gamma (fraction of 1 - alpha), phi.
# phi 0.85 and 0.92 (instead of 0.9 alone) helped on quarterly held-out (8.96 -> 8.95 in auto),
# quarterly training back-tests (9.00 -> 8.99) and monthly back-tests (14.13 -> 14.12) at once.
HW_GRID = (
    (0.05, 0.15, 0.3, 0.5, 0.75, 0.95),
    (0.01, 0.05, 0.2),
    (0.01, 0.05, 0.15, 0.3),
    (0.85, 0.92, 0.98, 1.0),
)


def _holt_winters(y: Array, h: int, m: int, multiplicative: bool) -> Array:
    """Holt-Winters with a (damped) trend, grid-searched alpha, beta, gamma and phi."""
    n = len(y)
    if m <= 1 or n < 2 * m:
        return damped_trend(y, h, m)
    if multiplicative and np.min(y) <= 0:
        multiplicative = False
    a, b_frac, g, phi = _grid(*(np.array(axis) for axis in HW_GRID))
    beta = a * b_frac
    gamma = g * (1 - a)  # keeps gamma inside the usual admissible region
    # Start at the end of the first season: trend from the first two seasons' means, seasonal
    # terms from the first season with that trend taken out (else they absorb the trend).
    first, second = y[:m].mean(), y[m : 2 * m].mean()
    slope = (second - first) / m
    line = first + slope * (np.arange(m) - (m - 1) / 2)
    if multiplicative and np.min(line) <= 0:  # a steep fall: ratios to the line would explode
        slope, line = 0.0, np.full(m, first)
    level = np.full(a.shape, line[-1])
    trend = np.full(a.shape, slope)
    base = y[:m] / line if multiplicative else y[:m] - line
    season = np.repeat(base[:, None], a.size, axis=1)  # (m, grid)
    sse = np.zeros_like(a)
    for t in range(m, n):
        s = season[t % m]
        lt = level + phi * trend
        pred = lt * s if multiplicative else lt + s
        e = y[t] - pred
        sse += e * e
        if multiplicative:
            new_level = lt + a * e / s
            season[t % m] = s + gamma * e / np.maximum(np.abs(new_level), 1e-12)
        else:
            new_level = lt + a * e
            season[t % m] = s + gamma * e
        trend = phi * trend + beta * (new_level - lt) / np.maximum(a, 1e-9)
        level = new_level
    sse[~np.isfinite(sse)] = np.inf
    k = int(np.argmin(sse))
    steps = np.cumsum(phi[k] ** np.arange(1, h + 1))
    lt = level[k] + steps * trend[k]
    s = season[np.arange(n, n + h) % m, k]
    return lt * s if multiplicative else lt + s


def holt_winters_additive(y: Array, h: int, m: int) -> Array:
    return _holt_winters(y, h, m, multiplicative=False)


def holt_winters_multiplicative(y: Array, h: int, m: int) -> Array:
    return _holt_winters(y, h, m, multiplicative=True)


METHODS: dict[str, Method] = {
    "naive": naive,
    "seasonal naive": seasonal_naive,
    "moving average": moving_average,
    "linear trend": linear_trend,
    "ses": ses,
    "holt": holt,
    "damped trend": damped_trend,
    "holt-winters additive": holt_winters_additive,
    "holt-winters multiplicative": holt_winters_multiplicative,
    "theta": theta,
}
