"""BaseStrategy: the contract of a strategy, and the chunked score."""

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.linear_model import Ridge

import skactive.strategies._base as base
from skactive import ActiveLearningRegressor
from skactive.strategies import BaseStrategy, TopSelection


class Predicted(BaseStrategy):
    def _score_chunk(self, learner, X_chunk):
        return learner.predict(X_chunk)


def fitted(strategy):
    X, y = make_friedman1(n_samples=100, random_state=0)
    alr = ActiveLearningRegressor(Ridge(), strategy=strategy, random_state=0)
    return alr.fit(X[:20], y[:20]), X[20:]


def test_chunked_score_equals_one_pass(monkeypatch):
    alr, X_pool = fitted(Predicted())
    whole = Predicted().score(alr, X_pool)
    np.testing.assert_allclose(whole, alr.predict(X_pool), rtol=1e-12)
    monkeypatch.setattr(
        base, "chunk_slices", lambda n, width: [slice(i, i + 7) for i in range(0, n, 7)]
    )
    # row blocks of 7: the same scores, up to the last bits of a matrix product
    np.testing.assert_allclose(Predicted().score(alr, X_pool), whole, rtol=1e-12)


def test_a_strategy_without_scores_or_batches_says_what_is_missing():
    class NoScore(BaseStrategy):
        pass

    alr, X_pool = fitted(Predicted())
    with pytest.raises(TypeError, match="must define _score_chunk"):
        NoScore().score(alr, X_pool)
    with pytest.raises(TypeError, match="defines no select_batch"):

        class NoBatch(BaseStrategy):
            selects_batch = True


def test_a_batch_strategy_refuses_a_batch_rule():
    alr, X_pool = fitted("gsx")
    with pytest.raises(ValueError, match="chooses its batch jointly"):
        alr.strategy_.query(alr, X_pool, 3, batch_selection=TopSelection())


@pytest.mark.parametrize("strategy", ["qbc", "emcm", "lcmd"])
def test_member_strategies_bootstrap_only_without_members(strategy):
    from sklearn.ensemble import RandomForestRegressor

    from skactive.strategies._registry import STRATEGIES

    rule = STRATEGIES[strategy]().set_params(n_members=6)
    assert rule.bootstrap_members_needed(Ridge(), None) == 6
    assert rule.bootstrap_members_needed(Ridge(), 3) == 0
    assert rule.bootstrap_members_needed(RandomForestRegressor(), None) == 0
