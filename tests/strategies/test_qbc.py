"""QueryByCommittee: the variance of the members' predictions."""

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.tree import DecisionTreeRegressor

from skactive import ActiveLearningRegressor
from skactive.strategies import QueryByCommittee


@pytest.fixture(scope="module")
def pool():
    X, y = make_friedman1(n_samples=180, noise=0.5, random_state=0)
    return X[:30], y[:30], X[30:], y[30:]


def test_score_is_the_variance_of_a_list_committee(pool):
    X, y, X_pool, _ = pool
    committee = [DecisionTreeRegressor(max_depth=3), LinearRegression()]
    alr = ActiveLearningRegressor(strategy="qbc", committee=committee, random_state=0)
    alr.fit(X, y)
    members = np.column_stack([m.predict(X_pool) for m in alr.committee_])
    np.testing.assert_allclose(
        QueryByCommittee().score(alr, X_pool), members.var(axis=1)
    )


def test_bootstrap_members_only_without_a_committee_or_an_ensemble():
    qbc = QueryByCommittee(n_members=7)
    assert qbc.bootstrap_members_needed(Ridge(), None) == 7
    assert qbc.bootstrap_members_needed(Ridge(), 3) == 0
    assert qbc.bootstrap_members_needed(RandomForestRegressor(), None) == 0


def test_qbc_diverse_weighs_rows_by_the_committee_spread(pool):
    # On a forest, QBC's score is the variance of the trees, uncertainty's
    # their standard deviation: the diverse rule weighs both by the spread.
    X, y, X_pool, _ = pool
    batches = [
        ActiveLearningRegressor(
            RandomForestRegressor(n_estimators=10, random_state=0),
            strategy=name,
            random_state=0,
        )
        .fit(X, y)
        .query(X_pool, n=8)
        for name in ("qbc", "uncertainty")
    ]
    np.testing.assert_array_equal(batches[0], batches[1])
