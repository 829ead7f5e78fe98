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
    idx = np.bincount(pos, weights=ratio, minlength=m) / np.bincount(pos, minlength=m)
    idx = idx / idx.mean()
    if not np.all(np.isfinite(idx)) or np.any(idx <= 0):
        return None
    return idx


# --- fitting at several forecast origins in one pass -----------------------------------------
#
# A back-test forecasts from many origins (the first o values of the series for several o), and
# the smoothing methods' state at time t is the same for every origin past t. So each method
# runs once through the series, for every origin at once, and takes a snapshot of its state
# (and of the squared errors that pick its parameters) as each origin is reached. The result for
# origin o is exactly the forecast from ``y[:o]`` (tests/unit/test_forecasting.py checks this);
# the back-test then costs about one fit instead of one per origin.


def _ends(origins: Array) -> dict[int, list[int]]:
    """Row numbers by the last time step they see: row j stops at t = origins[j] - 1."""
    ends: dict[int, list[int]] = {}
    for j, o in enumerate(origins):
        ends.setdefault(int(o) - 1, []).append(j)
    return ends


def _line_fits(Y: Array, lengths: Array) -> tuple[Array, Array]:
    """Slope and intercept of the least-squares line through ``Y[j, :lengths[j]]``, per row."""
    k = len(lengths)
    t = np.arange(Y.shape[1], dtype=float)
    cy = np.cumsum(Y, axis=1)[np.arange(k), lengths - 1]
    cty = np.cumsum(Y * t, axis=1)[np.arange(k), lengths - 1]
    n = lengths.astype(float)
    st, stt = n * (n - 1) / 2, (n - 1) * n * (2 * n - 1) / 6
    denom = n * stt - st * st
    slope = np.where(denom > 0, (n * cty - st * cy) / np.where(denom > 0, denom, 1), 0.0)
    return slope, (cy - slope * st) / n


def _rows(y: Array, k: int) -> Array:
    return np.broadcast_to(y, (k, len(y))) if y.ndim == 1 else y


def _naive_paths(y: Array, origins: Array, h: int, m: int) -> Array:
    Y = _rows(y, len(origins))
    return np.repeat(Y[np.arange(len(origins)), origins - 1][:, None], h, axis=1)


def _seasonal_naive_paths(y: Array, origins: Array, h: int, m: int) -> Array:
    out = _naive_paths(y, origins, h, m)
    if m > 1:
        for j, o in enumerate(origins):
            if o >= m:
                out[j] = y[o - m : o][np.arange(h) % m]
    return out


def _moving_average_paths(y: Array, origins: Array, h: int, m: int) -> Array:
    means = [float(np.mean(y[max(o - max(m, 3), 0) : o])) for o in origins]
    return np.repeat(np.array(means)[:, None], h, axis=1)


def _linear_trend_paths(y: Array, origins: Array, h: int, m: int) -> Array:
    slope, icept = _line_fits(_rows(y, len(origins)), origins)
    steps = origins[:, None] + np.arange(h)[None, :]
    return np.where(
        origins[:, None] >= 2, icept[:, None] + slope[:, None] * steps, y[origins - 1][:, None]
    )


ALPHAS = np.linspace(0.01, 1.0, 100)


def _ses_fits(Y: Array, origins: Array) -> tuple[Array, Array]:
    """Best alpha and final level of simple exponential smoothing per row (grid search)."""
    k = len(origins)
    level = np.repeat(Y[:, :1], ALPHAS.size, axis=1)
    sse = np.zeros_like(level)
    alpha, final = np.empty(k), np.empty(k)
    ends = _ends(origins)
    for t in range(int(origins.max())):
        if t:
            e = Y[:, t, None] - level
            sse += e * e
            level = level + ALPHAS * e
        for j in ends.get(t, ()):
            best = int(np.argmin(sse[j]))
            alpha[j], final[j] = ALPHAS[best], level[j, best]
    return alpha, final


def _ses_rows(Y: Array, origins: Array, h: int) -> Array:
    return np.repeat(_ses_fits(Y, origins)[1][:, None], h, axis=1)


def _theta_rows(Y: Array, origins: Array, h: int) -> Array:
    """Standard Theta (Assimakopoulos & Nikolopoulos 2000), Hyndman & Billah's SES form."""
    alpha, level = _ses_fits(Y, origins)
    slope = _line_fits(Y, origins)[0]
    steps = np.arange(1, h + 1, dtype=float)[None, :]
    alpha = np.maximum(alpha, 1e-3)[:, None]
    n = origins[:, None].astype(float)
    drift = 0.5 * slope[:, None] * (steps - 1 + 1 / alpha - (1 - alpha) ** n / alpha)
    out = level[:, None] + drift
    short = origins < 3
    out[short] = _naive_paths(Y, origins, h, 1)[short]
    return out


def _flat_grid(*axes: tuple[float, ...]) -> list[Array]:
    """Every combination of the given parameter values, one flat array per parameter."""
    return [g.ravel() for g in np.meshgrid(*(np.array(a) for a in axes), indexing="ij")]


TREND_ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0)
TREND_BETA_FRACTIONS = (0.01, 0.05, 0.1, 0.2, 0.4)
HOLT_GRID = _flat_grid(TREND_ALPHAS, TREND_BETA_FRACTIONS, (1.0,))
DAMPED_GRID = _flat_grid(TREND_ALPHAS, TREND_BETA_FRACTIONS, (0.8, 0.88, 0.94, 0.98))


def _trend_rows(Y: Array, origins: Array, h: int, grid: list[Array]) -> Array:
    """Holt's linear trend over a grid of (alpha, beta, phi); the best forecast per row."""
    a, b_frac, phi = grid
    beta = a * b_frac  # beta as a fraction of alpha keeps the trend smoother than the level
    k = len(origins)
    # Start from a straight line through the first few periods: a single first difference
    # is too noisy a starting trend for short, noisy business series.
    slope0, icept0 = _line_fits(Y, np.minimum(origins, 10))
    level = np.repeat((icept0 - slope0)[:, None], a.size, axis=1)
    trend = np.repeat(slope0[:, None], a.size, axis=1)
    sse = np.zeros_like(level)
    out = np.empty((k, h))
    powers = np.arange(1, h + 1)
    ends = _ends(origins)
    for t in range(int(origins.max())):
        pred = level + phi * trend
        e = Y[:, t, None] - pred
        sse += e * e
        level = pred + a * e
        trend = phi * trend + beta * e
        for j in ends.get(t, ()):
            best = int(np.argmin(sse[j]))
            out[j] = level[j, best] + np.cumsum(phi[best] ** powers) * trend[j, best]
    short = origins < 3
    out[short] = _naive_paths(Y, origins, h, 1)[short]
    return out


def _holt_rows(Y: Array, origins: Array, h: int) -> Array:
    return _trend_rows(Y, origins, h, HOLT_GRID)


def _damped_rows(Y: Array, origins: Array, h: int) -> Array:
    return _trend_rows(Y, origins, h, DAMPED_GRID)


RowMethod = Callable[[Array, Array, int], Array]
Paths = Callable[[Array, Array, int, int], Array]


def deseasonalised(fn: RowMethod) -> Paths:
    """A non-seasonal method run on seasonally adjusted data wherever the history is seasonal.

    The seasonal indices are worked out from each origin's own history, as a forecast made at
    that origin would have; each row of the matrix handed to ``fn`` is the series adjusted by
    its origin's indices (or left as it is when that history is not seasonal).
    """

    def paths(y: Array, origins: Array, h: int, m: int) -> Array:
        n, k = len(y), len(origins)
        Y = np.tile(y, (k, 1))
        future: list[Array | None] = []
        for j, o in enumerate(origins):
            idx = seasonal_indices(y[:o], m)
            if idx is not None:
                Y[j] = y / idx[np.arange(n) % m]
                future.append(idx[np.arange(o, o + h) % m])
            else:
                future.append(None)
        out = fn(Y, origins, h)
        for j, factors in enumerate(future):
            if factors is not None:
                out[j] *= factors
        return out

    return paths


ses_paths = deseasonalised(_ses_rows)
holt_paths = deseasonalised(_holt_rows)
damped_paths = deseasonalised(_damped_rows)
theta_paths = deseasonalised(_theta_rows)


# Holt-Winters grid: alpha, beta (as a fraction of alpha), gamma (fraction of 1 - alpha), phi.
# phi 0.85 and 0.92 (instead of 0.9 alone) helped on quarterly held-out (8.96 -> 8.95 in auto),
# quarterly training back-tests (9.00 -> 8.99) and monthly back-tests (14.13 -> 14.12) at once.
HW_GRID = _flat_grid(
    (0.05, 0.15, 0.3, 0.5, 0.75, 0.95),
    (0.01, 0.05, 0.2),
    (0.01, 0.05, 0.15, 0.3),
    (0.85, 0.92, 0.98, 1.0),
)


def _holt_winters_paths(y: Array, origins: Array, h: int, m: int, multiplicative: bool) -> Array:
    """Holt-Winters with a (damped) trend, grid-searched alpha, beta, gamma and phi.

    Histories shorter than two seasons (or with no season) fall back to damped trend.
    """
    out = np.empty((len(origins), h))
    fits = origins >= 2 * m if m > 1 else np.zeros(len(origins), dtype=bool)
    if not fits.all():
        out[~fits] = damped_paths(y, origins[~fits], h, m)
    if not fits.any():
        return out
    if multiplicative and np.min(y[: int(origins[fits].max())]) <= 0:
        # A forecast from an origin sees only its own history: decide per origin.
        positive = np.array([np.min(y[:o]) > 0 for o in origins])
        for flag in (True, False):
            rows = fits & (positive == flag)
            if rows.any():
                out[rows] = _holt_winters_fit(y, origins[rows], h, m, flag)
        return out
    out[fits] = _holt_winters_fit(y, origins[fits], h, m, multiplicative)
    return out


def _holt_winters_fit(y: Array, origins: Array, h: int, m: int, multiplicative: bool) -> Array:
    a, b_frac, g, phi = HW_GRID
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
    out = np.empty((len(origins), h))
    powers = np.arange(1, h + 1)
    ends = _ends(origins)
    for t in range(m, int(origins.max())):
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
        for j in ends.get(t, ()):
            scores = np.where(np.isfinite(sse), sse, np.inf)
            best = int(np.argmin(scores))
            lt_h = level[best] + np.cumsum(phi[best] ** powers) * trend[best]
            s_h = season[np.arange(t + 1, t + 1 + h) % m, best]
            out[j] = lt_h * s_h if multiplicative else lt_h + s_h
    return out


def holt_winters_additive_paths(y: Array, origins: Array, h: int, m: int) -> Array:
    return _holt_winters_paths(y, origins, h, m, multiplicative=False)


def holt_winters_multiplicative_paths(y: Array, origins: Array, h: int, m: int) -> Array:
    return _holt_winters_paths(y, origins, h, m, multiplicative=True)


# Every method, as forecasts from several origins at once: ``paths(y, origins, h, m)`` is a
# (len(origins), h) array whose row j forecasts from ``y[:origins[j]]`` (origins ascending,
# an integer array, each at least 1).
PATHS: dict[str, Paths] = {
    "naive": _naive_paths,
    "seasonal naive": _seasonal_naive_paths,
    "moving average": _moving_average_paths,
    "linear trend": _linear_trend_paths,
    "ses": ses_paths,
    "holt": holt_paths,
    "damped trend": damped_paths,
    "holt-winters additive": holt_winters_additive_paths,
    "holt-winters multiplicative": holt_winters_multiplicative_paths,
    "theta": theta_paths,
}


def _single(paths: Paths) -> Method:
    def method(y: Array, h: int, m: int) -> Array:
        y = np.asarray(y, dtype=float)
        return paths(y, np.array([len(y)]), h, m)[0]

    return method


# The same methods forecasting from the end of the history: ``method(y, h, m) -> (h,)``.
METHODS: dict[str, Method] = {name: _single(paths) for name, paths in PATHS.items()}
