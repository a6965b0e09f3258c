"""Tests of skactive/_rows.py: row helpers for arrays, sparse matrices and frames."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skactive._rows import (
    append_row_params,
    concat_rows,
    is_row_param,
    split_row_params,
    take_rows,
)


def test_take_rows_keeps_the_container():
    X = np.arange(12.0).reshape(4, 3)
    frame = pd.DataFrame(X, columns=list("abc"), index=[10, 11, 12, 13])
    np.testing.assert_array_equal(take_rows(X, [2, 0]), X[[2, 0]])
    taken = take_rows(frame, [2, 0])
    assert isinstance(taken, pd.DataFrame) and list(taken.index) == [12, 10]
    sparse = take_rows(sp.csr_matrix(X), [3])
    assert sp.issparse(sparse)
    np.testing.assert_array_equal(sparse.toarray(), X[[3]])


def test_concat_rows_of_each_kind():
    X = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(concat_rows(X, X[:1]), np.vstack([X, X[:1]]))
    frame = pd.DataFrame(X, columns=list("abc"), index=[5, 9])
    joined = concat_rows(frame, X[:1])  # an array joins a frame by position
    assert list(joined.columns) == list("abc") and list(joined.index) == [0, 1, 2]
    np.testing.assert_array_equal(joined.to_numpy(), np.vstack([X, X[:1]]))
    stacked = concat_rows(sp.csc_matrix(X), X[:1])
    assert stacked.format == "csr"
    np.testing.assert_array_equal(stacked.toarray(), np.vstack([X, X[:1]]))


def test_row_params_follow_their_rows():
    weights = np.array([1.0, 2.0, 3.0])
    assert is_row_param(weights, 3) and is_row_param([1, 2, 3], 3)
    for value in (None, 3, "abc", {"a": 1}, weights[:2]):
        assert not is_row_param(value, 3)
    params = {"sample_weight": weights, "verbose": True, "groups": [7, 8, 9]}
    split = split_row_params(params, 3, [2, 0])
    np.testing.assert_array_equal(split["sample_weight"], [3.0, 1.0])
    np.testing.assert_array_equal(split["groups"], [9, 7])
    assert split["verbose"] is True


def test_append_row_params():
    merged = append_row_params({"sample_weight": [2.0, 3.0], "verbose": 0}, 2, {}, 1)
    np.testing.assert_array_equal(merged["sample_weight"], [2.0, 3.0, 1.0])
    assert merged["verbose"] == 0
    merged = append_row_params(
        {"verbose": 0}, 2, {"sample_weight": [5.0], "verbose": 1}, 1
    )
    np.testing.assert_array_equal(merged["sample_weight"], [1.0, 1.0, 5.0])
    assert merged["verbose"] == 1  # the newest value of a plain parameter
    merged = append_row_params({"groups": [1, 2]}, 2, {"groups": [3]}, 1)
    np.testing.assert_array_equal(merged["groups"], [1, 2, 3])
    with pytest.raises(ValueError, match="groups has one value per row"):
        append_row_params({"groups": [1, 2]}, 2, {}, 1)
