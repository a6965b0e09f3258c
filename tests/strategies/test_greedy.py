"""Greedy sampling against a plain loop over rows, and its chunked pieces."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearningRegressor, _geometry
from skactive.strategies import GreedySampling, _greedy


@pytest.fixture
def data():
    X, y = make_friedman1(n_samples=190, noise=0.5, random_state=1)
    X[:, 3] *= 50.0  # one feature on a much larger scale
    return X[:30], y[:30], X[30:]


def reference_greedy(kind, X_lab, y_lab, X_pool, f_pool, n, scale):
    """Wu, Lin & Huang's greedy sampling as a loop over rows and references."""
    refs_x = [x / scale for x in X_lab]
    refs_y = list(y_lab)
    chosen = []
    for _ in range(n):
        best, best_value = None, -np.inf
        for i, x in enumerate(X_pool):
            if i in chosen:
                continue
            xs = x / scale
            if kind == "gsx":
                value = min(np.linalg.norm(xs - r) for r in refs_x)
            elif kind == "gsy":
                value = min(abs(f_pool[i] - t) for t in refs_y)
            else:
                value = min(
                    np.linalg.norm(xs - r) * abs(f_pool[i] - t)
                    for r, t in zip(refs_x, refs_y)
                )
            if value > best_value:
                best, best_value = i, value
        chosen.append(best)
        refs_x.append(X_pool[best] / scale)
        refs_y.append(f_pool[best])
    return chosen


@pytest.mark.parametrize("kind", ["gsx", "gsy", "igs"])
@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("sparse", [False, True])
def test_matches_reference_loop(data, kind, standardize, sparse):
    X, y, X_pool = data
    alr = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0),
        strategy=GreedySampling(kind=kind, standardize=standardize),
        random_state=0,
    )
    wrap = sp.csr_matrix if sparse else np.asarray
    alr.fit(wrap(X), y)
    positions, scores = alr.query(wrap(X_pool), n=15, return_scores=True)
    scale = np.vstack([X, X_pool]).std(axis=0) if standardize else np.ones(X.shape[1])
    f_pool = alr.predict(X_pool)
    expected = reference_greedy(kind, X, y, X_pool, f_pool, 15, scale)
    np.testing.assert_array_equal(positions, expected)
    assert positions[0] == np.argmax(scores)


@pytest.mark.parametrize("kind", ["gsx", "igs"])
def test_small_blocks_give_the_same_answer(data, kind, monkeypatch):
    X, y, X_pool = data
    alr = ActiveLearningRegressor(Ridge(), strategy=kind).fit(X, y)
    expected = alr.query(X_pool, n=10, return_scores=True)
    monkeypatch.setattr(_geometry, "BLOCK_ENTRIES", 64)
    got = alr.query(X_pool, n=10, return_scores=True)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_allclose(got[1], expected[1])


def test_pipeline_distances_in_model_space(data):
    X, y, X_pool = data
    pipe = make_pipeline(StandardScaler(), Ridge())
    alr = ActiveLearningRegressor(
        pipe, strategy=GreedySampling(kind="gsx", standardize=False)
    ).fit(X, y)
    scaler = alr.estimator_[0]
    expected = reference_greedy(
        "gsx",
        scaler.transform(X),
        y,
        scaler.transform(X_pool),
        np.zeros(len(X_pool)),
        5,
        1.0,
    )
    np.testing.assert_array_equal(alr.query(X_pool, n=5), expected)


def test_kind_is_tunable_and_validated(data):
    X, y, X_pool = data
    Xy = np.vstack([X, X_pool[:60]])
    yy = np.r_[y, np.full(60, np.nan)]
    _, y_full = make_friedman1(n_samples=190, noise=0.5, random_state=1)
    search = GridSearchCV(
        ActiveLearningRegressor(
            Ridge(), strategy=GreedySampling(), budget=15, initial_size=5
        ),
        {"strategy__kind": ["gsx", "igs"]},
        cv=2,
    )
    search.fit(X_pool[:100], y_full[30:130])
    assert search.best_params_["strategy__kind"] in {"gsx", "igs"}
    with pytest.raises(ValueError, match="kind"):
        ActiveLearningRegressor(Ridge(), strategy=GreedySampling(kind="gsz")).fit(
            Xy, yy
        )


def test_deterministic_and_rejects_a_batch_rule(data):
    X, y, X_pool = data
    results = [
        ActiveLearningRegressor(Ridge(), strategy="igs").fit(X, y).query(X_pool, n=8)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(results[0], results[1])
    for rule in ("top", "diverse"):
        alr = ActiveLearningRegressor(Ridge(), strategy="igs", batch_selection=rule)
        with pytest.raises(ValueError, match=f"batch_selection='{rule}'"):
            alr.fit(X, y)


def test_float32_pool_gives_the_same_batch(data):
    X, y, X_pool = data
    alr = ActiveLearningRegressor(Ridge(), strategy="gsx").fit(X, y)
    np.testing.assert_array_equal(
        alr.query(X_pool.astype(np.float32), n=10), alr.query(X_pool, n=10)
    )


@pytest.mark.parametrize("kind", ["gsx", "gsy", "igs"])
def test_lazy_updates_with_tiny_shortlist_match_reference(data, kind, monkeypatch):
    """Force the shortlist to be widened and blocks to grow, pick after pick."""
    monkeypatch.setattr(_greedy, "_SHORTLIST", 3)
    monkeypatch.setattr(_greedy, "_FIRST_BLOCK", 1)
    X, y, X_pool = data
    alr = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0), strategy=kind
    ).fit(X, y)
    positions = alr.query(X_pool, n=25)
    scale = np.vstack([X, X_pool]).std(axis=0)
    expected = reference_greedy(kind, X, y, X_pool, alr.predict(X_pool), 25, scale)
    np.testing.assert_array_equal(positions, expected)
