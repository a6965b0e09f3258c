"""Committee members, predictive spread and their fits (``skactive/_members.py``)."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import BayesianRidge, LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from skactive import ActiveLearningRegressor
from skactive.strategies import UncertaintySampling


def small_forest():
    return RandomForestRegressor(n_estimators=20, random_state=0)


@pytest.mark.parametrize(
    "estimator, committee",
    [
        (small_forest(), None),
        (GaussianProcessRegressor(), None),
        (BayesianRidge(), None),
        (Ridge(), None),
        (Ridge(), 4),
        (None, [DecisionTreeRegressor(), LinearRegression()]),
    ],
)
def test_predict_return_std(split, estimator, committee):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        estimator, committee=committee, strategy="uncertainty", random_state=0
    ).fit(X, y)
    mean, std = alr.predict(X_pool, return_std=True)
    assert mean.shape == std.shape == (X_pool.shape[0],)
    assert np.all(std >= 0) and np.all(np.isfinite(std))
    np.testing.assert_allclose(mean, alr.predict(X_pool))


def test_uncertainty_is_the_forest_spread(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(), strategy="uncertainty", random_state=0
    ).fit(X, y)
    _, scores = alr.query(X_pool, n=5, return_scores=True)
    trees = np.column_stack([t.predict(X_pool) for t in alr.estimator_.estimators_])
    np.testing.assert_allclose(scores, trees.std(axis=1))


def test_uncertainty_uses_native_std(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        GaussianProcessRegressor(), strategy="uncertainty", random_state=0
    ).fit(X, y)
    _, scores = alr.query(X_pool, n=5, return_scores=True)
    _, std = alr.estimator_.predict(X_pool, return_std=True)
    np.testing.assert_allclose(scores, std)
    assert alr.committee_ is None


def test_uncertainty_builds_bootstrap_committee_when_needed(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        Ridge(), strategy=UncertaintySampling(n_members=4), random_state=0
    ).fit(X, y)
    assert len(alr.committee_) == 4
    _, scores = alr.query(X_pool, n=3, return_scores=True)
    members = np.column_stack([m.predict(X_pool) for m in alr.committee_])
    np.testing.assert_allclose(scores, members.std(axis=1))
    assert scores.std() > 0  # bootstrap resamples make the members disagree


def test_qbc_heterogeneous_committee_is_cloned(split):
    X, y, X_pool, *_ = split
    members = [DecisionTreeRegressor(), small_forest(), LinearRegression()]
    alr = ActiveLearningRegressor(
        strategy="qbc", committee=members, batch_selection="top", random_state=0
    )
    alr.fit(X, y)
    assert not hasattr(members[0], "tree_")  # the user's objects stay unfitted
    positions, scores = alr.query(X_pool, n=10, return_scores=True)
    preds = np.column_stack([m.predict(X_pool) for m in alr.committee_])
    np.testing.assert_allclose(scores, preds.var(axis=1))
    np.testing.assert_allclose(alr.predict(X_pool), preds.mean(axis=1))
    assert np.all(np.diff(scores[positions]) <= 0)


def test_committee_of_pipelines_takes_missing_values(split):
    X, y, X_pool, *_ = split
    X, X_pool = X.copy(), X_pool.copy()
    X[::3, 0] = np.nan
    X_pool[::4, 1] = np.nan
    members = [
        make_pipeline(SimpleImputer(), DecisionTreeRegressor(max_depth=3)),
        make_pipeline(SimpleImputer(), StandardScaler(), LinearRegression()),
    ]
    alr = ActiveLearningRegressor(strategy="qbc", committee=members, random_state=0)
    positions, scores = alr.fit(X, y).query(X_pool, n=5, return_scores=True)
    assert positions.shape == (5,) and np.isfinite(scores).all()
    with pytest.raises(ValueError, match="features"):
        alr.query(X_pool[:, :4], n=1)


def test_committee_members_see_different_bootstraps(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(LinearRegression(), committee=3, random_state=0)
    alr.fit(X, y)
    coefs = np.array([m.coef_ for m in alr.committee_])
    assert not np.allclose(coefs[0], coefs[1])
