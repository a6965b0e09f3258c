"""skactive.query and skactive.teach through a fitted Pipeline (``skactive/_pipeline.py``)."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skactive
from skactive import ActiveLearningRegressor


def small_forest():
    return RandomForestRegressor(n_estimators=20, random_state=0)


def test_last_step_of_a_pipeline(split):
    X, y, X_pool, y_pool, *_ = split
    pipe = make_pipeline(
        StandardScaler(), ActiveLearningRegressor(small_forest(), random_state=0)
    ).fit(X, y)
    positions = skactive.query(pipe, X_pool, n=5)
    direct = pipe[-1].query(pipe[0].transform(X_pool), n=5)
    np.testing.assert_array_equal(positions, direct)
    skactive.teach(pipe, X_pool[positions], y_pool[positions])
    assert pipe[-1].n_labeled_ == 45
    assert pipe.predict(X_pool).shape == (200,)
    with pytest.raises(TypeError, match="last step"):
        skactive.query(make_pipeline(StandardScaler(), Ridge()).fit(X, y), X_pool)
