"""Checks of what users hand the learner (``skactive/_validation.py``)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor


def small_forest():
    return RandomForestRegressor(n_estimators=20, random_state=0)


@pytest.mark.parametrize(
    "y_bad, match",
    [
        (np.full(40, np.nan), "no labeled row"),
        (np.array(["x"] * 40), "numeric"),
        (np.full(40, np.inf), "infinite"),
        (np.ones((40, 2)), "one target"),
    ],
)
def test_fit_bad_targets(split, y_bad, match):
    X, *_ = split
    with pytest.raises(ValueError, match=match):
        ActiveLearningRegressor().fit(X, y_bad)


def test_feature_names_checked(split):
    X, y, X_pool, *_ = split
    columns = [f"x{i}" for i in range(10)]
    alr = ActiveLearningRegressor(small_forest(), random_state=0)
    alr.fit(pd.DataFrame(X, columns=columns), y)
    np.testing.assert_array_equal(alr.feature_names_in_, columns)
    renamed = pd.DataFrame(X_pool, columns=[c.upper() for c in columns])
    with pytest.raises(ValueError, match="feature names"):
        alr.query(renamed, n=2)


def test_column_vector_y_warns(split):
    from sklearn.exceptions import DataConversionWarning

    X, y, *_ = split
    with pytest.warns(DataConversionWarning):
        ActiveLearningRegressor(small_forest()).fit(X, y.reshape(-1, 1))
