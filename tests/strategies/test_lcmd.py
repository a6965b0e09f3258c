"""LCMDSampling: the greedy rule against a plain reference, features, plumbing."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from skactive import ActiveLearningRegressor, _importances
from skactive._members import member_predictions
from skactive.strategies import LCMDSampling, _lcmd
from skactive.strategies._lcmd import lcmd_select


def reference_lcmd(F_pool, F_train, n):
    """LCMD written the obvious way, with full distance matrices (float64)."""
    F_pool = np.asarray(F_pool, dtype=np.float64)
    centres = [np.asarray(row, dtype=np.float64) for row in F_train]
    picked = []
    for _ in range(n):
        C = np.array(centres)
        D = ((F_pool[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
        owner = D.argmin(axis=1)
        dist = D.min(axis=1)
        dist[picked] = 0.0
        mass = np.zeros(len(centres))
        for row in range(len(F_pool)):
            mass[owner[row]] += dist[row]
        cluster = int(np.argmax(mass))
        best, pick = -1.0, None
        for row in range(len(F_pool)):
            if owner[row] == cluster and row not in picked and dist[row] > best:
                best, pick = dist[row], row
        picked.append(pick)
        centres.append(F_pool[pick])
    return np.array(picked)


def small_forest(n=20):
    return RandomForestRegressor(n_estimators=n, random_state=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n_train", [1, 5])
def test_lcmd_select_matches_reference(seed, n_train):
    rng = np.random.RandomState(seed)
    F_pool = rng.standard_normal((60, 3)).astype(np.float32)
    F_train = rng.standard_normal((n_train, 3)).astype(np.float32)
    positions, scores = lcmd_select(F_pool, F_train, 12)
    np.testing.assert_array_equal(positions, reference_lcmd(F_pool, F_train, 12))
    expected = ((F_pool[:, None].astype(float) - F_train[None]) ** 2).sum(2).min(1)
    np.testing.assert_allclose(scores, expected, rtol=1e-4, atol=1e-5)


def test_lcmd_select_whole_pool_and_duplicates():
    F_pool = np.array([[0.0], [0.0], [1.0], [1.0], [5.0]], dtype=np.float32)
    F_train = np.array([[0.0]], dtype=np.float32)
    positions, _ = lcmd_select(F_pool, F_train, 5)
    assert sorted(positions) == [0, 1, 2, 3, 4]
    # The farthest row of the only cluster comes first.
    assert positions[0] == 4


def test_committee_block_is_centred_member_predictions(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(), strategy=LCMDSampling(input_weight=0), random_state=0
    ).fit(X, y)
    F_pool, F_train = alr.strategy_.embed(alr, X_pool)
    P = np.vstack([member_predictions(alr, X_pool), member_predictions(alr, X)])
    C = (P - P.mean(axis=1, keepdims=True)) / np.sqrt(P.shape[1])
    C /= np.sqrt((C**2).sum(axis=1).mean())
    np.testing.assert_allclose(np.vstack([F_pool, F_train]), C, rtol=1e-4, atol=1e-5)


def test_input_block_weights_inputs_by_importance(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(),
        strategy=LCMDSampling(committee_weight=0, input_features=3),
        random_state=0,
    ).fit(X, y)
    F_pool, F_train = alr.strategy_.embed(alr, X_pool)
    imp = alr.estimator_.feature_importances_
    top = np.argsort(-imp)[:3]
    both = np.vstack([X_pool, X])[:, top]
    Z = (both - both.mean(0)) / both.std(0) * np.sqrt(imp[top] / imp.sum())
    Z /= np.sqrt((Z**2).sum(axis=1).mean())
    np.testing.assert_allclose(np.vstack([F_pool, F_train]), Z, rtol=1e-4, atol=1e-5)


def test_blocks_are_weighted(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(),
        strategy=LCMDSampling(committee_weight=2.0, input_weight=0.5, input_features=4),
        random_state=0,
    ).fit(X, y)
    F_pool, F_train = alr.strategy_.embed(alr, X_pool)
    F = np.vstack([F_pool, F_train])
    n_members = len(alr.estimator_.estimators_)
    committee, inputs = F[:, :n_members], F[:, n_members:]
    assert inputs.shape[1] == 4
    np.testing.assert_allclose((committee**2).sum(1).mean(), 2.0, rtol=1e-4)
    np.testing.assert_allclose((inputs**2).sum(1).mean(), 0.5, rtol=1e-4)


def test_chunked_member_predictions_give_the_same_batch(split, monkeypatch):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(small_forest(), strategy="lcmd", random_state=0)
    alr.fit(X, y)
    whole = alr.query(X_pool, n=10)
    calls = []

    def seven_rows(n_rows, n_columns):
        calls.append(n_rows)
        return [slice(s, min(s + 7, n_rows)) for s in range(0, n_rows, 7)]

    monkeypatch.setattr(_lcmd, "chunk_slices", seven_rows)
    np.testing.assert_array_equal(alr.query(X_pool, n=10), whole)
    assert X_pool.shape[0] in calls


@pytest.mark.parametrize(
    "estimator, committee, n_committee",
    [
        (small_forest(), None, None),
        (
            None,
            [DecisionTreeRegressor(), LinearRegression(), DecisionTreeRegressor()],
            3,
        ),
        (make_pipeline(StandardScaler(), small_forest()), None, None),
        (HistGradientBoostingRegressor(max_iter=20), None, 5),
        (LinearRegression(), None, 5),
    ],
)
def test_works_with_forest_committee_pipeline_and_boosting(
    split, estimator, committee, n_committee
):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        estimator, strategy="lcmd", committee=committee, random_state=0
    ).fit(X, y)
    assert (alr.committee_ is None) == (n_committee is None)
    if n_committee is not None:
        assert len(alr.committee_) == n_committee
    positions, scores = alr.query(X_pool, n=15, return_scores=True)
    assert positions.shape == (15,)
    assert len(set(positions.tolist())) == 15
    assert positions.min() >= 0 and positions.max() < X_pool.shape[0]
    assert scores.shape == (X_pool.shape[0],) and np.isfinite(scores).all()
    again = clone(alr).fit(X, y).query(X_pool, n=15)
    np.testing.assert_array_equal(positions, again)


def test_large_committee_is_projected(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(30),
        strategy=LCMDSampling(max_committee_dim=8, input_weight=0),
        random_state=0,
    ).fit(X, y)
    F_pool, F_train = alr.strategy_.embed(alr, X_pool, np.random.RandomState(0))
    assert F_pool.shape == (X_pool.shape[0], 8) and F_train.shape == (X.shape[0], 8)


def test_labeled_duplicates_are_not_queried_first(split):
    X, y, X_pool, *_ = split
    pool = np.vstack([X[:10], X_pool[:50]])
    alr = ActiveLearningRegressor(small_forest(), strategy="lcmd", random_state=0)
    positions = alr.fit(X, y).query(pool, n=20)
    assert not set(positions.tolist()) & set(range(10))


def test_learn_reads_only_queried_positions(split, recording_oracle):
    X, y, X_pool, y_pool, *_ = split
    oracle = recording_oracle(y_pool)
    alr = ActiveLearningRegressor(small_forest(), strategy="lcmd", random_state=0)
    alr.fit(X, y).learn(X_pool, oracle, n_queries=20, batch_size=10)
    queried = np.concatenate([r["positions"] for r in alr.history_])
    assert sorted(oracle.read) == sorted(queried.tolist())
    assert alr.n_labeled_ == X.shape[0] + 20


def test_both_blocks_off_raises(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(), strategy=LCMDSampling(committee_weight=0, input_weight=0)
    ).fit(X, y)
    with pytest.raises(ValueError, match="both blocks"):
        alr.query(X_pool, n=3)


def test_sensitivity_importances_of_a_linear_model():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((300, 4))
    coef = np.array([3.0, 0.0, 1.0, 0.5])
    model = LinearRegression().fit(X, X @ coef)
    got = _importances.sensitivity(model, X, np.random.RandomState(1))
    # Same rows and permutation as the function draws, the formula by hand.
    draw = np.random.RandomState(1)
    rows = np.sort(draw.choice(300, 300, replace=False))
    order = draw.permutation(300)
    sample = X[rows]
    expected = coef**2 * ((sample[order] - sample) ** 2).mean(axis=0)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-10)


def test_boosting_gets_model_agnostic_importances(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        HistGradientBoostingRegressor(max_iter=30),
        strategy=LCMDSampling(committee_weight=0, input_features=2),
        random_state=0,
    ).fit(X, y)
    imp = _importances.input_importances(alr, X_pool, np.random.RandomState(0))
    assert imp.shape == (10,) and np.isclose(imp.sum(), 1.0)
    # Friedman #1: inputs 5..9 are noise, input 3 matters most.
    assert imp[5:].sum() < 0.1 and np.argmax(imp) == 3
    F_pool, _ = alr.strategy_.embed(alr, X_pool, np.random.RandomState(0))
    assert F_pool.shape == (X_pool.shape[0], 2)


def test_lcmd_is_the_default_strategy(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(random_state=0)
    assert alr.strategy == "lcmd"
    alr.fit(X, y)
    assert isinstance(alr.strategy_, LCMDSampling)
    assert alr.committee_ is None  # the default forest's trees are the committee
    positions = alr.query(X_pool, n=10)
    explicit = ActiveLearningRegressor(strategy=LCMDSampling(), random_state=0)
    np.testing.assert_array_equal(positions, explicit.fit(X, y).query(X_pool, n=10))


def test_sparse_model_space_from_a_pipeline():
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"city": rng.choice(list("abcdefgh"), 120), "size": rng.standard_normal(120)}
    )
    y = frame["size"].to_numpy() * 2 + (frame["city"] == "a").to_numpy()
    encode = ColumnTransformer(
        [("city", OneHotEncoder(handle_unknown="ignore"), ["city"])],
        remainder="passthrough",
        sparse_threshold=1.0,
    )
    alr = ActiveLearningRegressor(
        make_pipeline(encode, Ridge()), strategy="lcmd", random_state=0
    ).fit(frame.iloc[:30], y[:30])
    assert hasattr(alr.model_space(frame.iloc[30:]), "tocsr")  # sparse rows
    positions = alr.query(frame.iloc[30:], n=12)
    assert len(set(positions.tolist())) == 12 and positions.max() < 90


@pytest.mark.parametrize("estimator", [small_forest(), HistGradientBoostingRegressor()])
def test_score_of_a_row_does_not_depend_on_the_other_rows(split, estimator):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(estimator, strategy="lcmd", random_state=0)
    alr.fit(X, y)
    strategy = alr.strategy_
    whole = strategy.score(alr, X_pool, np.random.RandomState(0))
    part = strategy.score(alr, X_pool[:7], np.random.RandomState(0))
    np.testing.assert_allclose(part, whole[:7], rtol=1e-4, atol=1e-6)
    if isinstance(estimator, RandomForestRegressor):
        # Same importances (the forest's own) in query and score: same scores.
        _, returned = alr.query(X_pool, n=5, return_scores=True)
        np.testing.assert_allclose(returned, whole, rtol=1e-4, atol=1e-6)
