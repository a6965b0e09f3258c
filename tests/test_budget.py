"""fit(X, y) with a label budget: a simulated active-learning run."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV

from skactive import ActiveLearningRegressor


def forest():
    return RandomForestRegressor(n_estimators=10, random_state=0)


def test_budget_buys_exactly_budget_labels(friedman):
    X, y = friedman
    alr = ActiveLearningRegressor(
        forest(), budget=50, initial_size=20, batch_size=10, random_state=0
    ).fit(X, y)
    assert alr.n_labeled_ == 50
    assert [r["n_labels"] for r in alr.history_] == [30, 40, 50]
    queried = np.concatenate([r["positions"] for r in alr.history_])
    assert len(set(queried.tolist())) == 30
    # the model holds exactly the rows it bought, with their own targets
    bought_rows = {tuple(row) for row in alr.X_labeled_}
    assert {tuple(row) for row in X[queried]} <= bought_rows
    for row, target in zip(alr.X_labeled_, alr.y_labeled_):
        assert target == y[np.flatnonzero((X == row).all(axis=1))[0]]


def test_budget_is_deterministic(friedman):
    X, y = friedman
    params = dict(budget=40, initial_size=10, batch_size=10, random_state=3)
    a = ActiveLearningRegressor(forest(), **params).fit(X, y)
    b = ActiveLearningRegressor(forest(), **params).fit(X, y)
    np.testing.assert_array_equal(a.X_labeled_, b.X_labeled_)


def test_sample_weight_follows_its_row(friedman):
    X, y = friedman
    weights = 1.0 + np.arange(len(y)) / len(y)
    alr = ActiveLearningRegressor(
        Ridge(),
        strategy="random",
        budget=30,
        initial_size=10,
        batch_size=10,
        random_state=0,
    ).fit(X, y, sample_weight=weights)
    rows = [np.flatnonzero((X == row).all(axis=1))[0] for row in alr.X_labeled_]
    np.testing.assert_allclose(alr._fit_params["sample_weight"], weights[rows])


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(budget=5, initial_size=10), "smaller than initial_size"),
        (dict(budget=10_000), "larger than the"),
    ],
)
def test_bad_budget(friedman, params, match):
    X, y = friedman
    with pytest.raises(ValueError, match=match):
        ActiveLearningRegressor(forest(), **params).fit(X, y)


def test_grid_search_at_fixed_label_cost(friedman):
    X, y = friedman
    grid = GridSearchCV(
        ActiveLearningRegressor(
            forest(), budget=40, initial_size=20, batch_size=10, random_state=0
        ),
        {"strategy": ["random", "uncertainty"]},
        cv=2,
    ).fit(X, y)
    assert grid.best_estimator_.n_labeled_ == 40
    assert set(grid.cv_results_["param_strategy"]) == {"random", "uncertainty"}
