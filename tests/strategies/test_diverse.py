"""The diverse batch rule: LCMD in a score-scaled kernel, never a row twice."""

import numpy as np
import pytest
import scipy.sparse as sp
from lcmd_reference import reference_lcmd
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearningRegressor
from skactive.strategies import DiverseSelection, TopSelection


def reference_diverse(scores, n, X, X_labeled, power=1.0, tol=1e-6):
    """The rule as plain loops: standardize, weight by the score, LCMD."""
    both = np.vstack([X, X_labeled])
    scale = both.std(axis=0)
    scale[scale == 0] = 1.0
    s = np.where(np.isfinite(scores), scores, np.nan)
    s = np.nan_to_num(s - min(0.0, np.nanmin(s)))
    weight = (s / s.mean()) ** power
    return reference_lcmd(X / scale, X_labeled / scale, n, weight, tol)


@pytest.mark.parametrize("power", [0.0, 1.0, 2.0])
def test_matches_reference_loop(power):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 4)) * [1, 10, 100, 0.1]
    L = rng.normal(size=(15, 4)) * [1, 10, 100, 0.1]
    scores = rng.gamma(2.0, size=200)
    rule = DiverseSelection(method="lcmd", score_power=power)
    got = rule.select(scores, 12, X_model=X, X_labeled=L)
    np.testing.assert_array_equal(got, reference_diverse(scores, 12, X, L, power))


def reference_kmeanspp(scores, n, X, X_labeled, seed, power=1.0, tol=1e-6):
    """The k-means++ rule as plain loops, drawing from the same generator."""
    rng = np.random.RandomState(seed)
    scale = np.vstack([X, X_labeled]).std(axis=0)
    F, centres = X / scale, [row / scale for row in X_labeled]
    weight = (scores / scores.mean()) ** power
    picked = []
    for _ in range(n):
        dist = [min(np.sum((f - c) ** 2) for c in centres) for f in F]
        p = np.array(
            [
                0.0 if i in picked or dist[i] <= tol**2 else weight[i] * dist[i]
                for i in range(len(F))
            ]
        )
        pick = int(rng.choice(len(F), p=p / p.sum()))
        picked.append(pick)
        centres.append(F[pick])
    return picked


@pytest.mark.parametrize("power", [0.0, 1.0])
def test_kmeanspp_matches_reference_loop(power):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(120, 3)) * [1, 10, 100]
    L = rng.normal(size=(10, 3)) * [1, 10, 100]
    scores = rng.gamma(2.0, size=120)
    rule = DiverseSelection(score_power=power)
    got = rule.select(scores, 10, X_model=X, X_labeled=L, random_state=7)
    np.testing.assert_array_equal(got, reference_kmeanspp(scores, 10, X, L, 7, power))


def test_spreads_over_regions_where_top_piles_up():
    rng = np.random.RandomState(0)
    centres = rng.uniform(-10, 10, size=(8, 3))
    X = np.repeat(centres, 25, axis=0) + rng.normal(scale=1e-3, size=(200, 3))
    # The most uncertain cluster holds 25 near-copies; the rest score lower.
    scores = np.repeat(np.linspace(1.0, 0.3, 8), 25) + rng.uniform(0, 1e-3, 200)
    cluster = np.repeat(np.arange(8), 25)
    top = TopSelection().select(scores, 8)
    assert len(set(cluster[top])) == 1
    lcmd = DiverseSelection(method="lcmd").select(scores, 8, X_model=X)
    assert len(set(cluster[lcmd])) == 8
    # k-means++ draws: most of the batch lands in distinct regions
    for seed in range(5):
        drawn = DiverseSelection().select(scores, 8, X_model=X, random_state=seed)
        assert len(set(cluster[drawn])) >= 6


@pytest.mark.parametrize("method", ["kmeans++", "lcmd"])
def test_exact_duplicates_and_labeled_copies_come_last(method):
    rng = np.random.RandomState(4)
    distinct = rng.normal(size=(30, 3))
    X = np.vstack([np.repeat(distinct[:2], 60, axis=0), distinct[2:]])
    scores = np.r_[np.full(120, 10.0), rng.uniform(size=28)]
    rule = DiverseSelection(method=method)
    positions = rule.select(
        scores, 30, X_model=X, X_labeled=distinct[2:3], random_state=0
    )
    chosen = X[positions]
    assert len(np.unique(chosen, axis=0)) == 30  # every distinct row, none twice
    # only once every other row is taken does the copy of the labeled row come
    assert np.all(chosen[-1] == distinct[2])


def test_nan_and_negative_scores():
    rng = np.random.RandomState(5)
    X = rng.normal(size=(50, 2))
    scores = rng.normal(size=50)
    scores[:5] = -np.inf
    for method in ("kmeans++", "lcmd"):
        rule = DiverseSelection(method=method)
        assert len(set(rule.select(scores, 10, X_model=X, random_state=0))) == 10


def test_sparse_matches_dense():
    rng = np.random.RandomState(2)
    X = rng.normal(size=(150, 6)) * (rng.uniform(size=(150, 6)) < 0.4)
    L = rng.normal(size=(10, 6)) * (rng.uniform(size=(10, 6)) < 0.4)
    scores = rng.uniform(size=150)
    for rule in (DiverseSelection(), DiverseSelection(method="lcmd")):
        np.testing.assert_array_equal(
            rule.select(
                scores,
                9,
                X_model=sp.csr_matrix(X),
                X_labeled=sp.csr_matrix(L),
                random_state=0,
            ),
            rule.select(scores, 9, X_model=X, X_labeled=L, random_state=0),
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
        pipe,
        strategy="emcm",
        batch_selection=DiverseSelection(method="lcmd"),
        random_state=0,
    ).fit(X[:50], y[:50])
    positions, scores = alr.query(X[50:], n=6, return_scores=True)
    transform = alr.estimator_[:-1].transform
    expected = reference_diverse(scores, 6, transform(X[50:]), transform(X[:50]))
    np.testing.assert_array_equal(positions, expected)


def test_pool_goes_to_model_space_once_per_query(monkeypatch):
    X, y = make_friedman1(n_samples=250, random_state=0)
    pipe = make_pipeline(StandardScaler(), Ridge())
    alr = ActiveLearningRegressor(
        pipe, strategy="uncertainty", committee=3, batch_selection="diverse"
    ).fit(X[:50], y[:50])
    sizes = []
    real = ActiveLearningRegressor.model_space

    def spy(self, rows):
        sizes.append(rows.shape[0])
        return real(self, rows)

    monkeypatch.setattr(ActiveLearningRegressor, "model_space", spy)
    alr.query(X[50:], n=5)
    assert sizes.count(200) == 1


def test_score_power_is_tunable_and_checked():
    X, y = make_friedman1(n_samples=250, random_state=0)
    alr = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0),
        strategy="uncertainty",
        batch_selection=DiverseSelection(),
    )
    alr.set_params(batch_selection__score_power=0.5).fit(X[:50], y[:50])
    assert alr.batch_selection_.score_power == 0.5
    with pytest.raises(ValueError, match="method"):
        alr.set_params(batch_selection__method="best").fit(X[:50], y[:50])
    alr.set_params(batch_selection__method="lcmd")
    with pytest.raises(ValueError, match="score_power"):
        alr.set_params(batch_selection__score_power=-1).fit(X[:50], y[:50])
