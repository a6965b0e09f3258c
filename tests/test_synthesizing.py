"""Tests of skactive/_synthesizing.py: the learner's synthesize method."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import NotFittedError

from skactive import ActiveLearningRegressor
from skactive._seeding import learner_rng
from skactive.synthesis import synthesize


def forest(n_estimators=20):
    return RandomForestRegressor(n_estimators=n_estimators, random_state=0)


@pytest.fixture(scope="module")
def numeric():
    """Two real columns in [0, 1] and a smooth target."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(200, 2))
    return X, np.sin(6 * X[:, 0]) + X[:, 1] ** 2


def test_same_seed_same_rows(numeric):
    X, y = numeric
    a = ActiveLearningRegressor(forest(), random_state=4).fit(X[:80], y[:80])
    b = ActiveLearningRegressor(forest(), random_state=4).fit(X[:80], y[:80])
    np.testing.assert_array_equal(a.synthesize(5), b.synthesize(5))


def test_unfitted_learner_raises():
    with pytest.raises(NotFittedError):
        ActiveLearningRegressor().synthesize(3)


def test_synthesize_is_the_synthesis_function_on_the_learners_seed(numeric):
    X, y = numeric
    alr = ActiveLearningRegressor(forest(5), random_state=3).fit(X[:30], y[:30])
    expected = synthesize(alr, 4, random_state=learner_rng(alr, salt=32))
    np.testing.assert_array_equal(alr.synthesize(4), expected)
    bounds = {0: (0.0, 0.5)}
    expected = synthesize(alr, 4, bounds=bounds, random_state=learner_rng(alr, salt=32))
    np.testing.assert_array_equal(alr.synthesize(4, bounds=bounds), expected)


def test_each_call_replays_and_teaching_moves_on(numeric):
    X, y = numeric
    alr = ActiveLearningRegressor(forest(5), random_state=3).fit(X[:30], y[:30])
    first = alr.synthesize(3)
    np.testing.assert_array_equal(alr.synthesize(3), first)  # same labels, same rows
    alr.teach(X[30:32], y[30:32])
    assert not np.array_equal(alr.synthesize(3), first)  # a new step, a new draw
