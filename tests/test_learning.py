"""The loop of ``learn`` (``skactive/_learning.py``): which rows the oracle
is asked for, and what a failing or partial answer leaves behind."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor


def small_forest():
    return RandomForestRegressor(n_estimators=20, random_state=0)


def test_learn_reads_oracle_only_at_queried_positions(split, recording_oracle):
    X, y, X_pool, y_pool, X_test, y_test = split
    oracle = recording_oracle(y_pool)
    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    alr.learn(X_pool, oracle, n_queries=25, batch_size=10, X_val=X_test, y_val=y_test)
    queried = np.concatenate([r["positions"] for r in alr.history_])
    assert sorted(oracle.read) == sorted(queried.tolist())
    assert len(set(queried.tolist())) == 25
    assert [r["n_labels"] for r in alr.history_] == [50, 60, 65]
    assert all(r["val_rmse"] > 0 for r in alr.history_)
    assert alr.n_labeled_ == 65


def test_learn_with_callable_oracle(split):
    X, y, X_pool, y_pool, *_ = split
    calls = []

    def oracle(rows):
        calls.append(len(rows))
        return rows[:, 0] * 2.0

    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    alr.learn(X_pool, oracle, n_queries=20, batch_size=10)
    assert calls == [10, 10]
    np.testing.assert_allclose(alr.y_labeled_[-20:], alr.X_labeled_[-20:, 0] * 2.0)


def test_oracle_failing_in_round_k_keeps_earlier_labels(split):
    X, y, X_pool, *_ = split
    calls = {"n": 0}

    def flaky(rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the lab is closed")
        return rows[:, 0]

    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    with pytest.raises(RuntimeError, match="lab is closed"):
        alr.learn(X_pool, flaky, n_queries=50, batch_size=10)
    assert alr.n_labeled_ == 60
    assert len(alr.history_) == 2


@pytest.mark.parametrize(
    "answers, match",
    [
        (lambda rows: rows[:-1, 0], "answers for"),
        (lambda rows: np.full(len(rows), "abc"), "non-numeric"),
        (lambda rows: np.full(len(rows), np.inf), "infinite"),
    ],
)
def test_bad_oracle_answers_raise_and_keep_learner(split, answers, match):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    predictions = alr.predict(X_pool)
    with pytest.raises(ValueError, match=match):
        alr.learn(X_pool, answers, n_queries=5, batch_size=5)
    assert alr.n_labeled_ == 40 and alr.history_ == []
    np.testing.assert_array_equal(alr.predict(X_pool), predictions)


def test_oracle_nan_keeps_the_answered_rows(split):
    X, y, X_pool, *_ = split

    def half_answered(rows):
        out = rows[:, 0].copy()
        out[::2] = np.nan
        return out

    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        alr.learn(X_pool, half_answered, n_queries=6, batch_size=6)
    assert alr.n_labeled_ == 43
    assert not np.isnan(alr.y_labeled_).any()
