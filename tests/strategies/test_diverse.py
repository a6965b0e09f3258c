"""The diverse batch rule: high scores without near-duplicates."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearningRegressor
from skactive.strategies import DiverseSelection, TopSelection


def reference_diverse(scores, n, X, factor):
    """The rule as a plain loop: filter by rank, then weighted max-min."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    m = min(len(scores), factor * n)
    cand = order[:m]
    Xs = X / X.std(axis=0)
    chosen = [0]
    while len(chosen) < n:
        best, best_gain = None, -np.inf
        for j in range(m):
            if j in chosen:
                continue
            nearest = min(np.linalg.norm(Xs[cand[j]] - Xs[cand[c]]) for c in chosen)
            gain = (1 - j / m) * nearest
            if gain > best_gain:
                best, best_gain = j, gain
        chosen.append(best)
    return [cand[c] for c in chosen]


@pytest.mark.parametrize("factor", [2, 10])
def test_matches_reference_loop(factor):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4)) * [1, 10, 100, 0.1]
    scores = rng.gamma(2.0, size=300)
    got = DiverseSelection(candidate_factor=factor).select(scores, 12, X_model=X)
    np.testing.assert_array_equal(got, reference_diverse(scores, 12, X, factor))


def test_avoids_near_duplicates_where_top_does_not():
    rng = np.random.RandomState(0)
    centres = rng.uniform(-10, 10, size=(8, 3))
    X = np.repeat(centres, 25, axis=0) + rng.normal(scale=1e-3, size=(200, 3))
    # The most uncertain cluster holds 25 near-copies; the rest score lower.
    scores = np.repeat(np.linspace(1.0, 0.3, 8), 25) + rng.uniform(0, 1e-3, 200)
    cluster = np.repeat(np.arange(8), 25)
    top = TopSelection().select(scores, 8)
    diverse = DiverseSelection(candidate_factor=25).select(scores, 8, X_model=X)
    assert len(set(cluster[top])) == 1
    assert len(set(cluster[diverse])) == 8
    assert diverse[0] == np.argmax(scores)


def test_factor_one_is_top():
    rng = np.random.RandomState(1)
    scores, X = rng.uniform(size=100), rng.normal(size=(100, 2))
    np.testing.assert_array_equal(
        DiverseSelection(candidate_factor=1).select(scores, 10, X_model=X),
        TopSelection().select(scores, 10),
    )


def test_sparse_matches_dense():
    rng = np.random.RandomState(2)
    X = rng.normal(size=(150, 6)) * (rng.uniform(size=(150, 6)) < 0.4)
    scores = rng.uniform(size=150)
    rule = DiverseSelection()
    np.testing.assert_array_equal(
        rule.select(scores, 9, X_model=sp.csr_matrix(X)),
        rule.select(scores, 9, X_model=X),
    )


def test_needs_model_space_and_matching_rows():
    rule = DiverseSelection()
    with pytest.raises(ValueError, match="X_model"):
        rule.select(np.ones(5), 2)
    with pytest.raises(ValueError, match="one row per score"):
        rule.select(np.ones(5), 2, X_model=np.ones((4, 2)))


def test_learner_passes_pipeline_model_space():
    X, y = make_friedman1(n_samples=250, random_state=0)
    X[:, 0] *= 1000
    pipe = make_pipeline(StandardScaler(), Ridge())
    alr = ActiveLearningRegressor(
        pipe, strategy="emcm", batch_selection="diverse", random_state=0
    ).fit(X[:50], y[:50])
    positions, scores = alr.query(X[50:], n=6, return_scores=True)
    Z = alr.estimator_[:-1].transform(X[50:])
    np.testing.assert_array_equal(positions, reference_diverse(scores, 6, Z, 10))


def test_candidate_factor_is_tunable():
    X, y = make_friedman1(n_samples=250, random_state=0)
    alr = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0),
        batch_selection=DiverseSelection(),
    )
    alr.set_params(batch_selection__candidate_factor=3).fit(X[:50], y[:50])
    assert alr.batch_selection_.candidate_factor == 3
    with pytest.raises(ValueError, match="candidate_factor"):
        alr.set_params(batch_selection__candidate_factor=0).fit(X[:50], y[:50])
