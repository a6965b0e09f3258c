"""The domain of the rows a learner saw: ranges, integer columns, categories."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skactive._domain import learn_domain


def test_array_ranges_and_integer_columns():
    X = np.array([[0.5, 2.0, -1.0], [1.5, 7.0, np.nan], [1.0, 4.0, 3.25]])
    domain = learn_domain(X)
    kinds = [spec["kind"] for spec in domain.specs]
    assert kinds == ["real", "integer", "real"]
    assert (domain.specs[0]["low"], domain.specs[0]["high"]) == (0.5, 1.5)
    assert (domain.specs[2]["low"], domain.specs[2]["high"]) == (-1.0, 3.25)
    columns = domain.sample(200, np.random.RandomState(0))
    Z = domain.assemble(columns)
    assert Z.shape == (200, 3)
    assert (Z >= np.nanmin(X, axis=0)).all() and (Z <= np.nanmax(X, axis=0)).all()
    np.testing.assert_array_equal(Z[:, 1], np.round(Z[:, 1]))


def test_union_widens_and_restricted_narrows():
    domain = learn_domain(np.array([[0.0, 1.0], [1.0, 2.0]]))
    wider = domain.union(np.array([[5.0, 1.0]]))
    assert (wider.specs[0]["low"], wider.specs[0]["high"]) == (0.0, 5.0)
    assert (domain.specs[0]["low"], domain.specs[0]["high"]) == (0.0, 1.0)
    narrow = wider.restricted({0: (1.0, 2.0)})
    assert (narrow.specs[0]["low"], narrow.specs[0]["high"]) == (1.0, 2.0)
    assert narrow.specs[1] == wider.specs[1]
    with pytest.raises(ValueError, match="bounds has 1 entries"):
        wider.restricted([(0.0, 1.0)])
    with pytest.raises(ValueError, match="not fit on"):
        wider.restricted({"x": (0.0, 1.0)})


def test_frame_keeps_categories_and_dtypes():
    X = pd.DataFrame(
        {
            "size": [1.0, 2.5, 2.0],
            "color": pd.Categorical(["red", "blue", "red"]),
            "count": np.array([1, 3, 2], dtype=np.int32),
        }
    )
    domain = learn_domain(X)
    assert "color: 2 categories" in repr(domain)
    Z = domain.assemble(domain.sample(50, np.random.RandomState(1)))
    assert list(Z.columns) == ["size", "color", "count"]
    assert Z.dtypes.to_dict() == X.dtypes.to_dict()
    assert set(Z["color"]) <= {"red", "blue"}
    assert Z["count"].between(1, 3).all()


def test_sparse_rows_give_sparse_rows():
    X = sp.csr_matrix(np.array([[0.0, 2.0], [3.0, 0.0]]))
    domain = learn_domain(X)
    Z = domain.assemble(domain.sample(10, np.random.RandomState(2)))
    assert sp.issparse(Z) and Z.shape == (10, 2)
    dense = Z.toarray()
    assert (dense >= 0).all() and (dense[:, 0] <= 3).all() and (dense[:, 1] <= 2).all()
