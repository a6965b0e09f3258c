"""UncertaintySampling: the spread of the predictive distribution."""

import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import BayesianRidge, Ridge

from skactive import ActiveLearningRegressor
from skactive.strategies import UncertaintySampling


def test_score_is_the_native_predictive_std():
    X, y = make_friedman1(n_samples=100, noise=0.5, random_state=0)
    alr = ActiveLearningRegressor(BayesianRidge(), strategy="uncertainty")
    alr.fit(X[:30], y[:30])
    _, std = alr.estimator_.predict(X[30:], return_std=True)
    np.testing.assert_allclose(UncertaintySampling().score(alr, X[30:]), std)


def test_bootstrap_members_only_for_a_model_without_spread():
    rule = UncertaintySampling(n_members=4)
    assert rule.bootstrap_members_needed(Ridge(), None) == 4
    assert rule.bootstrap_members_needed(BayesianRidge(), None) == 0
    assert rule.bootstrap_members_needed(RandomForestRegressor(), None) == 0
    assert rule.bootstrap_members_needed(Ridge(), 3) == 0
