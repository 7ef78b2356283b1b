"""Percentiles as the bench reports them."""

from __future__ import annotations

import pytest

from bench.stats import percentile, summary


def test_percentiles_interpolate_between_the_closest_ranks():
    values = [40.0, 10.0, 30.0, 20.0]  # any order
    assert percentile(values, 0) == 10.0
    assert percentile(values, 50) == 25.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 99) == pytest.approx(39.7)


def test_one_value_is_every_percentile():
    assert [percentile([7.0], p) for p in (0, 50, 99)] == [7.0, 7.0, 7.0]


def test_a_percentile_needs_values_and_a_share_between_0_and_100():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_the_summary_has_the_reported_percentiles_and_the_count():
    found = summary([float(n) for n in range(1, 101)])
    assert found == {"p50": 50.5, "p95": 95.0, "p99": 99.0, "count": 100}
