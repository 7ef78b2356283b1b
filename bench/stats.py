"""Percentiles of timings, the way the report gives them."""

from __future__ import annotations

import math
from collections.abc import Sequence

PERCENTILES = (50, 95, 99)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile by linear interpolation between the closest ranks (numpy's default);
    with few values, p99 lies between the two largest rather than being the largest."""
    if not values:
        raise ValueError("no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not within 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    below, above = math.floor(rank), math.ceil(rank)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


def summary(values: Sequence[float]) -> dict[str, float]:
    """{"p50", "p95", "p99", "count"}, milliseconds rounded to 0.1."""
    found: dict[str, float] = {f"p{p}": round(percentile(values, p), 1) for p in PERCENTILES}
    found["count"] = len(values)
    return found
