"""Checks every registered strategy passes, with every batch rule."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import BayesianRidge, LinearRegression, Ridge
from sklearn.tree import DecisionTreeRegressor

from skactive import ActiveLearningRegressor
from skactive.strategies import GreedySampling, TopSelection
from skactive.strategies._registry import (
    BATCH_SELECTIONS,
    STRATEGIES,
    strategy_kinds,
)

# The one declaration: score strategies take every batch rule (None: their
# own default), batch strategies none.
SCORE = sorted(n for n, kind in strategy_kinds().items() if kind == "score")
BATCH = sorted(n for n, kind in strategy_kinds().items() if kind == "batch")

MODELS = {
    "forest": lambda: {"estimator": RandomForestRegressor(n_estimators=6)},
    "ridge": lambda: {"estimator": Ridge()},
    "committee-int": lambda: {"estimator": DecisionTreeRegressor(), "committee": 3},
    "committee-list": lambda: {
        "committee": [DecisionTreeRegressor(max_depth=4), LinearRegression()]
    },
}

CASES = [
    (strategy, model, batch)
    for strategy in sorted(STRATEGIES)
    for model in MODELS
    for batch in ([None, *sorted(BATCH_SELECTIONS)] if strategy in SCORE else [None])
    # one batch rule is enough for the model variants
    if model in ("forest", "ridge") or batch is None
]


def make_learner(strategy, model, batch, random_state=0):
    return ActiveLearningRegressor(
        strategy=strategy,
        batch_selection=batch,
        random_state=random_state,
        **MODELS[model](),
    )


@pytest.fixture(scope="module")
def pool():
    X, y = make_friedman1(n_samples=180, noise=0.5, random_state=0)
    return X[:30], y[:30], X[30:], y[30:]


def ordered_by_score(learner):
    """Whether positions come out sorted by their scores (top-n of a score)."""
    return isinstance(learner.batch_selection_, TopSelection)


def starts_with_best(learner):
    """Whether the first position is the top-scored row: top-n, and greedy
    sampling (its first pick is the farthest row). LCMD and the diverse rule
    start from the largest cluster, whose farthest row need not score best."""
    return ordered_by_score(learner) or isinstance(learner.strategy_, GreedySampling)


@pytest.mark.parametrize("strategy, model, batch", CASES)
def test_scores_and_positions(pool, strategy, model, batch):
    X, y, X_pool, _ = pool
    alr = make_learner(strategy, model, batch).fit(X, y)
    positions, scores = alr.query(X_pool, n=8, return_scores=True)
    assert scores.shape == (len(X_pool),) and np.isfinite(scores).all()
    assert positions.shape == (8,) and positions.dtype.kind == "i"
    assert len(np.unique(positions)) == 8
    assert positions.min() >= 0 and positions.max() < len(X_pool)
    if starts_with_best(alr):
        assert scores[positions[0]] == scores.max()
    if ordered_by_score(alr):
        np.testing.assert_array_equal(scores[positions], np.sort(scores)[::-1][:8])


@pytest.mark.parametrize("strategy, model, batch", CASES)
def test_same_seed_same_answer(pool, strategy, model, batch):
    X, y, X_pool, _ = pool
    first = make_learner(strategy, model, batch).fit(X, y).query(X_pool, n=5)
    again = make_learner(strategy, model, batch).fit(X, y).query(X_pool, n=5)
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("strategy, model, batch", CASES)
def test_n_larger_than_pool_raises(pool, strategy, model, batch):
    X, y, X_pool, _ = pool
    alr = make_learner(strategy, model, batch).fit(X, y)
    with pytest.raises(ValueError, match="larger than the pool"):
        alr.query(X_pool[:4], n=5)
    assert len(alr.query(X_pool[:4], n=4)) == 4  # the whole pool is fine


@pytest.mark.parametrize("strategy, model, batch", CASES)
def test_learn_reads_oracle_only_where_queried(
    pool, recording_oracle, strategy, model, batch
):
    X, y, X_pool, y_pool = pool
    oracle = recording_oracle(y_pool)
    alr = make_learner(strategy, model, batch).fit(X, y)
    alr.learn(X_pool, oracle, n_queries=7, batch_size=3)
    asked = np.concatenate([r["positions"] for r in alr.history_])
    assert sorted(oracle.read) == sorted(asked.tolist())
    assert len(set(oracle.read)) == 7 and alr.n_labeled_ == 37


@pytest.mark.parametrize("strategy, model, batch", CASES)
def test_failing_calls_leave_learner_unchanged(pool, strategy, model, batch):
    X, y, X_pool, y_pool = pool
    alr = make_learner(strategy, model, batch).fit(X, y)
    before = pickle.dumps(alr)
    prediction = alr.predict(X_pool)
    with pytest.raises(ValueError):
        alr.query(X_pool[:, :5], n=2)
    with pytest.raises(ValueError):
        alr.teach(X_pool[:2], [1.0, np.nan])
    with pytest.raises(ValueError, match="answers"):
        alr.learn(X_pool, lambda rows: np.zeros(len(rows) + 1), n_queries=3)
    assert pickle.dumps(alr) == before
    np.testing.assert_array_equal(alr.predict(X_pool), prediction)


@pytest.mark.parametrize("strategy, model, batch", CASES)
def test_clone_and_pickle_keep_behaviour(pool, strategy, model, batch):
    X, y, X_pool, _ = pool
    alr = make_learner(strategy, model, batch).fit(X, y)
    expected = alr.query(X_pool, n=6)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(alr)).query(X_pool, n=6), expected
    )
    np.testing.assert_array_equal(clone(alr).fit(X, y).query(X_pool, n=6), expected)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
def test_strategy_params_round_trip(name):
    learner = ActiveLearningRegressor(strategy=STRATEGIES[name]())
    params = learner.get_params(deep=True)
    knobs = {k: v for k, v in params.items() if k.startswith("strategy__")}
    assert learner.set_params(**knobs).get_params(deep=True) == params
    if name != "random":
        assert knobs, f"{name} exposes no parameter"


@pytest.mark.parametrize("name", BATCH)
@pytest.mark.parametrize("rule", [*sorted(BATCH_SELECTIONS), TopSelection()])
def test_batch_strategy_rejects_a_batch_rule_at_fit(pool, name, rule):
    X, y, *_ = pool
    alr = ActiveLearningRegressor(Ridge(), strategy=name, batch_selection=rule)
    with pytest.raises(ValueError, match="chooses its whole batch jointly"):
        alr.fit(X, y)
    assert not hasattr(alr, "strategy_")


@pytest.mark.parametrize("name", SCORE)
def test_score_strategy_default_rule_is_declared(pool, name):
    X, y, *_ = pool
    alr = ActiveLearningRegressor(Ridge(), strategy=name).fit(X, y)
    default = STRATEGIES[name]().default_batch_selection
    assert type(alr.batch_selection_) is BATCH_SELECTIONS[default]
    if default == "diverse":  # the score weighs rows on the scale of a spread
        expected = 0.5 if name == "qbc" else 1.0
        assert alr.batch_selection_.score_power == expected


def duplicate_drowned_pool():
    """150 distinct rows, plus the two rows a model finds most uncertain
    repeated 60 times each (the issue's case)."""
    X, y = make_friedman1(n_samples=200, noise=0.5, random_state=3)
    return X[:40], y[:40], X[40:190]


@pytest.mark.parametrize(
    "name, rule",
    [(name, "diverse") for name in SCORE]
    # and the default rule, wherever it is the diverse one
    + [
        (name, None)
        for name in SCORE
        if STRATEGIES[name]().default_batch_selection == "diverse"
    ],
)
@pytest.mark.parametrize(
    "estimator",
    [BayesianRidge(), RandomForestRegressor(n_estimators=30, random_state=0)],
    ids=["bayesian-ridge", "forest"],
)
def test_diverse_rule_never_buys_a_row_twice(name, rule, estimator):
    X, y, distinct = duplicate_drowned_pool()
    alr = ActiveLearningRegressor(
        estimator, strategy=name, batch_selection=rule, random_state=0
    ).fit(X, y)
    _, std = alr.predict(distinct, return_std=True)
    hot = np.argsort(-std)[:2]
    X_pool = np.vstack([distinct, np.repeat(distinct[hot], 60, axis=0)])
    positions = alr.query(X_pool, n=10)
    assert len(np.unique(X_pool[positions], axis=0)) == 10
    # and the duplicates are not simply avoided: the uncertain rows are worth one label
    if name != "random":
        rows = {tuple(r) for r in X_pool[positions]}
        assert rows & {tuple(r) for r in distinct[hot]}


def test_failed_refit_leaves_predictions_unchanged(pool):
    X, y, X_pool, _ = pool
    for params in ({}, {"committee": 3}):
        alr = ActiveLearningRegressor(
            DecisionTreeRegressor(random_state=0), random_state=0, **params
        ).fit(X, y)
        expected = alr.predict(X_pool, return_std=True)
        positions = alr.query(X_pool, n=4)
        alr.set_params(committee=0)
        with pytest.raises(ValueError):
            alr.fit(X, y)
        got = alr.predict(X_pool, return_std=True)
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])
        np.testing.assert_array_equal(alr.query(X_pool, n=4), positions)
        assert alr.score(X_pool, alr.predict(X_pool)) == 1.0


# ------------------------------------------------------------- pools with NaN
# Models that take NaN (histogram gradient boosting) pass it to the strategies.


@pytest.fixture
def nan_data():
    X, y = make_friedman1(n_samples=300, random_state=0)
    X[np.random.RandomState(0).rand(*X.shape) < 0.05] = np.nan
    return X, y


def nan_learner(strategy):
    return ActiveLearningRegressor(
        HistGradientBoostingRegressor(max_iter=20), strategy=strategy, random_state=0
    )


@pytest.mark.parametrize("strategy", ["lcmd", "uncertainty", "qbc", "emcm", "gsy"])
def test_scores_and_batches_with_nan_pool(nan_data, strategy):
    X, y = nan_data
    alr = nan_learner(strategy).fit(X[:40], y[:40])
    positions, scores = alr.query(X[40:], n=10, return_scores=True)
    assert len(set(positions.tolist())) == 10
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("strategy", ["gsx", "igs"])
def test_input_distances_with_nan_raise_clearly(nan_data, strategy):
    X, y = nan_data
    alr = nan_learner(strategy).fit(X[:40], y[:40])
    with pytest.raises(ValueError, match="impute"):
        alr.query(X[40:], n=10)
