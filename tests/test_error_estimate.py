"""The error estimate that scales LCMD's masses: what it finds, and its fallbacks."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeRegressor

from skactive import ActiveLearningRegressor
from skactive._error_estimate import MIN_LABELED, error_weights
from skactive.strategies import LCMDSampling
from skactive.strategies._lcmd import lcmd_select


def _forest():
    return RandomForestRegressor(n_estimators=30, random_state=0)


def _noisy_half(n, seed):
    """y = 5 x0 + noise, the noise ten times larger where x1 > 0.5."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(size=(n, 3))
    scale = np.where(X[:, 1] > 0.5, 1.0, 0.1)
    return X, 5 * X[:, 0] + scale * rng.standard_normal(n)


def test_weights_lean_towards_the_noisy_half():
    X, y = _noisy_half(300, 0)
    X_pool, _ = _noisy_half(2000, 1)
    alr = ActiveLearningRegressor(_forest(), random_state=0).fit(X, y)
    weights = error_weights(alr, X_pool)
    assert weights.shape == (2000,)
    assert np.all(weights >= 0) and np.isclose(weights.mean(), 1.0)
    noisy = X_pool[:, 1] > 0.5
    assert weights[noisy].mean() > 2 * weights[~noisy].mean()


def test_disagreement_finds_what_the_residuals_miss():
    # One labeled row of a rare category whose effect is large: three folds
    # cannot learn it, a ridge regression extrapolates it and disagrees.
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(200, 2))
    X = np.column_stack([X, np.zeros(200)])
    X[0, 2] = 1.0
    y = X[:, 0] + 5 * X[:, 2]
    X_pool = np.column_stack([rng.uniform(size=(400, 2)), np.zeros(400)])
    X_pool[:20, 2] = 1.0
    alr = ActiveLearningRegressor(_forest(), random_state=0).fit(X, y)
    weights = error_weights(alr, X_pool)
    assert weights[:20].mean() > 3 * weights[20:].mean()


def test_deterministic_given_the_labels():
    X, y = _noisy_half(120, 0)
    X_pool, _ = _noisy_half(300, 1)
    alr = ActiveLearningRegressor(_forest(), random_state=0).fit(X, y)
    np.testing.assert_array_equal(
        error_weights(alr, X_pool), error_weights(alr, X_pool)
    )


def test_too_few_labels_give_no_estimate():
    X, y = _noisy_half(MIN_LABELED - 1, 0)
    alr = ActiveLearningRegressor(_forest(), random_state=0).fit(X, y)
    assert error_weights(alr, _noisy_half(50, 1)[0]) is None
    # LCMD then keeps its own masses.
    X_pool = _noisy_half(50, 1)[0]
    plain = ActiveLearningRegressor(
        _forest(), strategy=LCMDSampling(error_weighting=False), random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(alr.query(X_pool, 5), plain.query(X_pool, 5))


def test_no_estimate_before_the_model_learns_anything():
    X = np.random.RandomState(0).uniform(size=(40, 3))
    alr = ActiveLearningRegressor(_forest(), random_state=0).fit(X, np.ones(40))
    assert error_weights(alr, X) is None
    # Pure noise: the folds do no better than the mean.
    noise = np.random.RandomState(1).standard_normal(40)
    assert error_weights(alr.fit(X, noise), X) is None
    # A booster whose leaves need 20 rows cannot split on two thirds of 24.
    X_big, y_big = _noisy_half(24, 0)
    booster = HistGradientBoostingRegressor(max_iter=20)
    alr = ActiveLearningRegressor(booster, random_state=0).fit(X_big, y_big)
    assert error_weights(alr, X_big) is None


def test_batch_uses_the_weights_and_can_switch_them_off():
    X, y = _noisy_half(100, 0)
    X_pool, _ = _noisy_half(500, 1)
    alr = ActiveLearningRegressor(_forest(), random_state=0).fit(X, y)
    rng = np.random.RandomState(3)
    weighted = alr.strategy_.pick_batch(alr, X_pool, 10, random_state=rng)
    F_pool, F_train = alr.strategy_.embed(alr, X_pool, np.random.RandomState(3))
    expected, _ = lcmd_select(
        F_pool, F_train, 10, row_weight=error_weights(alr, X_pool)
    )
    np.testing.assert_array_equal(weighted, expected)
    alr.set_params(strategy=LCMDSampling(error_weighting=False)).fit(X, y)
    plain = alr.strategy_.pick_batch(
        alr, X_pool, 10, random_state=np.random.RandomState(3)
    )
    np.testing.assert_array_equal(plain, lcmd_select(F_pool, F_train, 10)[0])
    assert not np.array_equal(weighted, plain)


def test_committee_of_two_model_classes():
    X, y = _noisy_half(80, 0)
    X_pool, _ = _noisy_half(200, 1)
    alr = ActiveLearningRegressor(
        committee=[DecisionTreeRegressor(max_depth=4), Ridge()], random_state=0
    ).fit(X, y)
    weights = error_weights(alr, X_pool)
    assert weights.shape == (200,) and np.isclose(weights.mean(), 1.0)
    assert len(set(alr.query(X_pool, 8).tolist())) == 8


def test_unseen_category_in_a_fold_leaves_the_disagreement():
    # The encoder rejects a category one fold never saw: the residuals cannot
    # be cross-validated, so the disagreement alone weighs the rows.
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"x": rng.uniform(size=60), "kind": ["a"] * 30 + ["b"] * 29 + ["c"]}
    )
    y = frame["x"].to_numpy() + (frame["kind"] == "b").to_numpy()
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="error", sparse_output=False), ["kind"]),
            remainder="passthrough",
        ),
        _forest(),
    )
    alr = ActiveLearningRegressor(model, random_state=0).fit(frame, y)
    pool = frame.iloc[:40]
    weights = error_weights(alr, pool)
    assert weights.shape == (40,) and np.isclose(weights.mean(), 1.0)
    assert len(set(alr.query(pool, 5).tolist())) == 5


def test_sparse_inputs():
    X, y = _noisy_half(100, 0)
    X_pool, _ = _noisy_half(200, 1)
    alr = ActiveLearningRegressor(_forest(), random_state=0).fit(sp.csr_matrix(X), y)
    dense = ActiveLearningRegressor(_forest(), random_state=0).fit(X, y)
    sparse_weights = error_weights(alr, sp.csr_matrix(X_pool))
    assert np.isclose(sparse_weights.mean(), 1.0)
    # Forests split sparse input their own way: the same picture, not the same trees.
    assert np.corrcoef(sparse_weights, error_weights(dense, X_pool))[0, 1] > 0.9


@pytest.mark.filterwarnings("error")
def test_missing_values_with_gradient_boosting():
    X, y = _noisy_half(100, 0)
    X_pool, _ = _noisy_half(200, 1)
    X[::7, 2] = np.nan
    X_pool[::5, 2] = np.nan
    alr = ActiveLearningRegressor(
        HistGradientBoostingRegressor(max_iter=20), random_state=0
    ).fit(X, y)
    weights = error_weights(alr, X_pool)
    assert np.all(np.isfinite(weights)) and np.isclose(weights.mean(), 1.0)


def test_error_models_fit_once_per_fitted_state(monkeypatch):
    from skactive import _error_estimate

    calls = []
    original = _error_estimate.cross_val_predict

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(_error_estimate, "cross_val_predict", counting)
    X, y = _noisy_half(120, 0)
    X_pool, y_pool = _noisy_half(300, 1)
    alr = ActiveLearningRegressor(_forest(), random_state=0).fit(X, y)
    first = error_weights(alr, X_pool[:150])
    error_weights(alr, X_pool[150:])  # another chunk, same labels
    assert len(calls) == 1
    np.testing.assert_array_equal(error_weights(alr, X_pool[:150]), first)
    alr.teach(X_pool[:5], y_pool[:5])  # new labels: new error models
    error_weights(alr, X_pool)
    assert len(calls) == 2
