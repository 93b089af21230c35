"""Means and standard errors of correlated time series (MD observables).

block_standard_error is the estimate of docs/analysis.md (the one `megabar analyze` uses): the series is cut
into B = min(max_blocks, n) contiguous blocks of (nearly) equal length (numpy.array_split), and

    SE = sqrt( sum_b (m_b - m)^2 / (B (B - 1)) ),

with m_b the block means and m the mean of the whole series. For uncorrelated data and equal blocks this is
the usual s / sqrt(n) estimate of the blocks; correlations shorter than a block are averaged out.
"""
import math

import numpy as np


def block_means(values, n_blocks):
    """Means of n_blocks contiguous blocks of values (numpy.array_split: lengths differ by at most one)."""
    x = np.asarray(values, dtype=float)
    return np.array([b.mean() for b in np.array_split(x, n_blocks)])


def block_standard_error(values, max_blocks=10):
    """Block standard error of the mean of values (see the module); None for fewer than two values."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n < 2:
        return None
    nb = min(max_blocks, n)
    means = block_means(x, nb)
    return float(math.sqrt(((means - x.mean()) ** 2).sum() / (nb * (nb - 1))))


def mean(values):
    """Mean of values as a float; None for an empty sequence."""
    return float(np.mean(values)) if len(values) else None
