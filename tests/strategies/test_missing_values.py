"""Pools with NaN, for models that take NaN (histogram gradient boosting)."""

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.ensemble import HistGradientBoostingRegressor

from skactive import ActiveLearningRegressor


@pytest.fixture
def nan_data():
    X, y = make_friedman1(n_samples=300, random_state=0)
    X[np.random.RandomState(0).rand(*X.shape) < 0.05] = np.nan
    return X, y


def learner(strategy):
    return ActiveLearningRegressor(
        HistGradientBoostingRegressor(max_iter=20), strategy=strategy, random_state=0
    )


@pytest.mark.parametrize("strategy", ["lcmd", "uncertainty", "qbc", "emcm", "gsy"])
def test_scores_and_batches_with_nan_pool(nan_data, strategy):
    X, y = nan_data
    alr = learner(strategy).fit(X[:40], y[:40])
    positions, scores = alr.query(X[40:], n=10, return_scores=True)
    assert len(set(positions.tolist())) == 10
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("strategy", ["gsx", "igs"])
def test_input_distances_with_nan_raise_clearly(nan_data, strategy):
    X, y = nan_data
    alr = learner(strategy).fit(X[:40], y[:40])
    with pytest.raises(ValueError, match="impute"):
        alr.query(X[40:], n=10)
