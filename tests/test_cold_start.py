"""cold_start: the first batch from the inputs alone."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_blobs, make_friedman1

import skactive


def test_distinct_in_range_and_seeded():
    X, _ = make_friedman1(n_samples=400, random_state=0)
    first = skactive.cold_start(X, 12, random_state=3)
    assert first.shape == (12,) and first.dtype.kind == "i"
    assert len(np.unique(first)) == 12
    assert first.min() >= 0 and first.max() < 400
    np.testing.assert_array_equal(first, skactive.cold_start(X, 12, random_state=3))


def test_one_row_per_blob_whatever_the_units():
    X, blob = make_blobs(n_samples=600, centers=6, cluster_std=0.3, random_state=0)
    X[:, 1] *= 1e4  # standardizing keeps both features in play
    first = skactive.cold_start(X, 6, random_state=0)
    assert sorted(blob[first]) == list(range(6))


def test_each_pick_is_nearest_to_its_cluster_centre():
    # One tight group of 50 and one single far row: both groups are represented,
    # and the group's row is its most central one.
    rng = np.random.RandomState(0)
    group = rng.normal(size=(50, 2))
    X = np.vstack([group, [[40.0, 40.0]]])
    first = skactive.cold_start(X, 2, random_state=0)
    assert 50 in first
    centre = np.argmin(((group - group.mean(axis=0)) ** 2).sum(axis=1))
    assert first[0] == centre  # the bigger cluster comes first


def test_dataframe_and_sparse_match_array():
    X, _ = make_friedman1(n_samples=200, random_state=1)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)])
    expected = skactive.cold_start(X, 7, random_state=0)
    np.testing.assert_array_equal(
        skactive.cold_start(frame, 7, random_state=0), expected
    )
    sparse = skactive.cold_start(sp.csr_matrix(X), 7, random_state=0)
    assert len(np.unique(sparse)) == 7


def test_many_duplicates_still_distinct_positions():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 0.0]]), 20, axis=0)
    first = skactive.cold_start(X, 5, random_state=0)
    assert len(np.unique(first)) == 5
    assert {tuple(row) for row in X[first]} == {(0, 0), (1, 1), (5, 0)}


def test_bad_input():
    X, _ = make_friedman1(n_samples=50, random_state=0)
    with pytest.raises(ValueError, match="larger than the pool"):
        skactive.cold_start(X, 51)
    with pytest.raises(ValueError, match="n"):
        skactive.cold_start(X, 0)
    frame = pd.DataFrame({"a": np.arange(5.0), "city": list("abcde")})
    with pytest.raises(TypeError, match="city"):
        skactive.cold_start(frame, 2)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        skactive.cold_start(X, 2)
