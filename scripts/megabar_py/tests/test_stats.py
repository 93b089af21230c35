"""Block averages on series with known answers."""
import math

import numpy as np
import pytest

from megabar_py import stats


def test_too_short():
    assert stats.block_standard_error([]) is None
    assert stats.block_standard_error([1.0]) is None


def test_constant_series_has_zero_error():
    assert stats.block_standard_error([2.5] * 37) == 0.0


def test_two_values():
    # two blocks of one value: SE = |a - b| / 2
    assert stats.block_standard_error([1.0, 3.0]) == pytest.approx(1.0)


def test_equal_blocks_hand_computed():
    # 10 blocks of 2: block means 0.5, 2.5, ..., 18.5; SE = std(means, ddof=1) / sqrt(10)
    x = np.arange(20.0)
    means = np.arange(10) * 2 + 0.5
    assert stats.block_standard_error(x) == pytest.approx(np.std(means, ddof=1) / math.sqrt(10), rel=1e-14)
    assert stats.block_means(x, 10) == pytest.approx(means)


def test_uneven_blocks_follow_array_split():
    x = np.arange(23.0)                          # array_split: 3 blocks of 3, then 7 of 2
    means = np.array([b.mean() for b in np.array_split(x, 10)])
    assert [len(b) for b in np.array_split(x, 10)][:4] == [3, 3, 3, 2]
    expected = math.sqrt(((means - x.mean()) ** 2).sum() / 90)
    assert stats.block_standard_error(x) == pytest.approx(expected, rel=1e-14)


def test_white_noise_error_is_sigma_over_sqrt_n():
    rng = np.random.default_rng(3)
    sigma, n = 2.0, 100000
    x = rng.normal(5.0, sigma, n)
    # independent data: the block SE estimates sigma / sqrt(n) within its own statistical spread (10 blocks:
    # relative spread ~ 1/sqrt(2 * 9) = 24 %)
    assert stats.block_standard_error(x) == pytest.approx(sigma / math.sqrt(n), rel=0.6)


def test_correlated_series_error_grows():
    # AR(1) with phi = 0.9: the true SE of the mean is sigma_x / sqrt(n) * sqrt((1 + phi) / (1 - phi)) ~ 4.4x the
    # naive one; blocks of 10000 steps capture it
    rng = np.random.default_rng(5)
    phi, n = 0.9, 100000
    e = rng.normal(size=n)
    x = np.empty(n)
    x[0] = e[0]
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    naive = x.std() / math.sqrt(n)
    true = naive * math.sqrt((1 + phi) / (1 - phi))
    assert stats.block_standard_error(x) == pytest.approx(true, rel=0.6)
    assert stats.block_standard_error(x) > 2 * naive


def test_max_blocks():
    x = [0.0, 0.0, 1.0, 1.0]
    assert stats.block_standard_error(x, max_blocks=2) == pytest.approx(0.5)


def test_mean():
    assert stats.mean([1, 2, 3]) == 2.0 and isinstance(stats.mean([1, 2]), float)
    assert stats.mean([]) is None
