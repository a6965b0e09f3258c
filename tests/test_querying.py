"""One query over validated rows (``skactive/_querying.py``)."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor
from skactive._querying import query_rows


def forest(strategy, **params):
    return ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=10, random_state=0),
        strategy=strategy,
        random_state=0,
        **params,
    )


@pytest.mark.parametrize("strategy", ["uncertainty", "lcmd", "random"])
def test_query_rows_is_the_learners_query(split, strategy):
    X, y, X_pool, *_ = split
    learner = forest(strategy).fit(X, y)
    positions, scores = query_rows(learner, X_pool, 7)
    expected, expected_scores = learner.query(X_pool, 7, return_scores=True)
    np.testing.assert_array_equal(positions, expected)
    np.testing.assert_array_equal(scores, expected_scores)
    assert positions.dtype == np.intp and scores.dtype == float
    assert len(set(positions.tolist())) == 7


def test_lcmd_refuses_targets_too_large_for_float32(split):
    X, y, X_pool, *_ = split
    learner = forest("lcmd").fit(X, y * 1e37)
    with pytest.raises(ValueError, match="float32"):
        query_rows(learner, X_pool, 3)


@pytest.mark.parametrize("scale, works", [(1e30, True), (1e39, False)])
def test_lcmd_with_huge_targets_works_or_says_why(friedman, scale, works):
    X, y = friedman
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=10), random_state=0
    ).fit(X[:30], y[:30] * scale)
    if works:
        assert len(set(learner.query(X[30:], 5))) == 5
        return
    model, n_labeled = learner.estimator_, learner.n_labeled_
    with pytest.raises(
        ValueError, match="lcmd strategy computes in float32.*rescale y"
    ):
        learner.query(X[30:], 5)
    with pytest.raises(ValueError, match="float32"):
        learner.learn(X[30:], y[30:] * scale, n_queries=10)
    assert learner.estimator_ is model and learner.n_labeled_ == n_labeled
    assert learner.history_ == []
