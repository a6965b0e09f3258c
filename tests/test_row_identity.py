"""Tests of skactive/_row_identity.py: pool fingerprints and row identities."""

import numpy as np
import pandas as pd
import pytest

from skactive._row_identity import (
    column_names,
    describe_row,
    normalize_column,
    row_identities,
    same_cell,
)
from skactive.session import pool_fingerprint


def test_fingerprint_of_object_and_sparse_pools():
    import scipy.sparse as sp

    X = np.array([["a", 1], ["b", 2]], dtype=object)
    assert pool_fingerprint(X) == pool_fingerprint(X.copy())
    assert pool_fingerprint(X) != pool_fingerprint(X[::-1])
    S = sp.random(20, 5, density=0.3, format="csr", random_state=0)
    assert pool_fingerprint(S) == pool_fingerprint(S.tocsc())
    assert pool_fingerprint(S) != pool_fingerprint(S * 2)


def test_identities_count_repeated_rows_and_ignore_number_formatting():
    frame = pd.DataFrame({"a": [1, 2, 1], "b": ["x", " y ", "x"]})
    ids = row_identities(frame)
    assert ids[0].startswith("row:") and ids[0].endswith(":0")
    assert ids[2] == ids[0][:-1] + "1"  # the second copy of the same row
    # The same values re-saved as floats and with padded text: same rows.
    resaved = pd.DataFrame({"a": [1.0, 2.0, 1.0], "b": [" x", "y", "x "]})
    assert row_identities(resaved) == ids


def test_identities_from_keys_are_unique_and_never_missing():
    assert row_identities(None, keys=[7, "a", 8.0]) == [
        "key:n:7.0",
        "key:t:a",
        "key:n:8.0",
    ]
    with pytest.raises(ValueError, match=r"not unique: \['7.0'\]"):
        row_identities(None, keys=[7, 7.0])
    with pytest.raises(ValueError, match=r"missing \(positions \[1\]\)"):
        row_identities(None, keys=[1, None])


def test_normalize_column_reads_numbers_text_and_missing():
    numbers, texts = normalize_column(["1.5", " abc ", "NA", True, -0.0])
    assert numbers[0] == 1.5 and numbers[3] == 1.0 and numbers[4] == 0.0
    assert np.isnan(numbers[1]) and np.isnan(numbers[2])
    assert list(texts) == [None, "abc", None, None, None]


def test_same_cell_tolerates_rewritten_digits_only():
    assert same_cell((1.0, None), (1.0 + 1e-12, None))
    assert not same_cell((1.0, None), (1.001, None))
    assert same_cell((np.nan, None), (np.nan, None))
    assert not same_cell((np.nan, None), (0.0, None))
    assert same_cell((np.nan, "a"), (np.nan, "a"))
    assert not same_cell((np.nan, "a"), (1.0, None))


def test_describe_row_names_columns_and_shortens():
    frame = pd.DataFrame({"rooms": [3], "area": [1 / 3]})
    assert describe_row(frame, 0) == "rooms=3, area=0.333333"
    assert describe_row(np.array([[1.0, 2.5]]), 0) == "x0=1, x1=2.5"
    text = describe_row(np.arange(100.0).reshape(1, -1), 0, max_chars=20)
    assert len(text) == 20 and text.endswith("...")
    assert column_names(np.zeros((2, 3))) == ["0", "1", "2"]
