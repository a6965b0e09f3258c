"""Behaviour of ActiveLearningRegressor through its public API."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skactive import ActiveLearningRegressor
from skactive.strategies import UncertaintySampling


def small_forest():
    return RandomForestRegressor(n_estimators=20, random_state=0)


def test_nan_targets_are_unlabeled(friedman):
    X, y = friedman
    y_partial = y.copy()
    y_partial[50:] = np.nan
    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y_partial)
    plain = clone(small_forest()).fit(X[:50], y[:50])
    assert alr.n_labeled_ == 50
    np.testing.assert_allclose(alr.predict(X), plain.predict(X))


def test_default_estimator_is_a_random_forest(split):
    X, y, *_ = split
    alr = ActiveLearningRegressor(random_state=0).fit(X, y)
    assert isinstance(alr.estimator_, RandomForestRegressor)
    assert alr.estimator is None


@pytest.mark.parametrize("strategy", ["random", "uncertainty", "qbc"])
def test_query_positions(split, strategy):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(), strategy=strategy, batch_selection="top", random_state=0
    )
    alr.fit(X, y)
    positions, scores = alr.query(X_pool, n=15, return_scores=True)
    assert positions.shape == (15,)
    assert len(set(positions.tolist())) == 15
    assert positions.min() >= 0 and positions.max() < X_pool.shape[0]
    assert scores.shape == (X_pool.shape[0],) and np.all(np.isfinite(scores))
    # best first, and nothing left out scores higher than what was taken
    assert np.all(np.diff(scores[positions]) <= 0)
    rest = np.setdiff1d(np.arange(X_pool.shape[0]), positions)
    assert scores[rest].max() <= scores[positions].min()
    # same seed, same answer
    again = clone(alr).fit(X, y).query(X_pool, n=15)
    np.testing.assert_array_equal(positions, again)


def test_query_scores_in_chunks_match_whole(split, monkeypatch):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(), strategy="uncertainty", random_state=0
    ).fit(X, y)
    _, whole = alr.query(X_pool, n=3, return_scores=True)
    import skactive._members as members

    monkeypatch.setattr(members, "_CHUNK_BYTES", 8 * 20)  # 1,024-row floor
    big = np.tile(X_pool, (6, 1))
    _, chunked = alr.query(big, n=3, return_scores=True)
    np.testing.assert_allclose(chunked, np.tile(whole, 6))


def test_teach_adds_rows_and_refits(split):
    X, y, X_pool, y_pool, *_ = split
    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    positions = alr.query(X_pool, n=5)
    assert alr.teach(X_pool[positions], y_pool[positions]) is alr
    assert alr.n_labeled_ == 45
    np.testing.assert_array_equal(alr.X_labeled_[-5:], X_pool[positions])
    refit = clone(small_forest()).fit(alr.X_labeled_, alr.y_labeled_)
    np.testing.assert_allclose(alr.predict(X_pool), refit.predict(X_pool))


def test_sample_weight_follows_rows(split):
    X, y, X_pool, y_pool, *_ = split
    weights = np.linspace(1, 2, X.shape[0])
    alr = ActiveLearningRegressor(Ridge(), strategy="random", random_state=0)
    alr.fit(X, y, sample_weight=weights)
    alr.teach(X_pool[:3], y_pool[:3])
    expected = Ridge().fit(
        np.vstack([X, X_pool[:3]]),
        np.concatenate([y, y_pool[:3]]),
        sample_weight=np.concatenate([weights, np.ones(3)]),
    )
    np.testing.assert_allclose(alr.predict(X_pool), expected.predict(X_pool))


def test_fit_params_the_estimator_rejects_raise(split):
    X, y, *_ = split
    alr = ActiveLearningRegressor(make_pipeline(StandardScaler(), Ridge()))
    with pytest.raises((TypeError, ValueError)):
        alr.fit(X, y, not_a_parameter=1)


def snapshot(alr, X):
    return alr.n_labeled_, alr.predict(X).copy(), len(alr.history_)


def assert_unchanged(alr, X, before):
    n, pred, rounds = before
    assert alr.n_labeled_ == n
    assert len(alr.history_) == rounds
    np.testing.assert_allclose(alr.predict(X), pred)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda a, X: a.query(X, n=10_000), ValueError, "larger than the pool"),
        (lambda a, X: a.query(X, n=0), ValueError, "at least 1"),
        (lambda a, X: a.query(X, n=2.5), TypeError, "must be an int"),
        (lambda a, X: a.query(X[:, :5], n=2), ValueError, "features"),
        (lambda a, X: a.query(np.where(X > 0.5, np.inf, X)), ValueError, "infinity"),
        (lambda a, X: a.teach(X[:3], [1.0, 2.0]), ValueError, "rows but y has"),
        (lambda a, X: a.teach(X[:2], ["a", "b"]), ValueError, "numeric"),
        (lambda a, X: a.teach(X[:2], [1.0, np.nan]), ValueError, "NaN"),
        (lambda a, X: a.teach(X[:2], [1.0, np.inf]), ValueError, "infinite"),
        (lambda a, X: a.teach(X[:2, :4], [1.0, 2.0]), ValueError, "features"),
        (lambda a, X: a.learn(X, np.ones(3), n_queries=2), ValueError, "targets but"),
        (lambda a, X: a.learn(X, 42, n_queries=2), TypeError, "callable"),
        (lambda a, X: a.learn(X, np.ones(len(X)), n_queries=10**6), ValueError, "pool"),
        (
            lambda a, X: a.learn(X, np.ones(len(X)), n_queries=2, X_val=X),
            ValueError,
            "together",
        ),
    ],
)
def test_bad_input_raises_and_keeps_learner(split, call, error, match):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    before = snapshot(alr, X_pool)
    with pytest.raises(error, match=match):
        call(alr, X_pool)
    assert_unchanged(alr, X_pool, before)


def test_refit_with_bad_input_keeps_learner(split):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    before = snapshot(alr, X_pool)
    with pytest.raises(ValueError, match="Unknown strategy|strategy"):
        alr.set_params(strategy="nope").fit(X, y)
    alr.set_params(strategy="uncertainty")
    assert_unchanged(alr, X_pool, before)


def test_unfitted_raises(split):
    X, *_ = split
    for call in (
        lambda a: a.predict(X),
        lambda a: a.query(X),
        lambda a: a.teach(X[:1], [1.0]),
        lambda a: a.learn(X, np.ones(len(X)), n_queries=1),
    ):
        with pytest.raises(NotFittedError):
            call(ActiveLearningRegressor())


def test_diverse_is_not_silently_top(split):
    X, y, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(), strategy="uncertainty", batch_selection="diverse"
    )
    alr.fit(X, y)
    assert type(alr.batch_selection_).__name__ == "DiverseSelection"


def test_sparse_pool(split):
    import scipy.sparse as sp

    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(small_forest(), random_state=0)
    alr.fit(sp.csr_matrix(X), y)
    np.testing.assert_array_equal(
        alr.query(sp.csr_matrix(X_pool), n=5), alr.query(X_pool, n=5)
    )
    alr.teach(sp.csr_matrix(X_pool[:2]), [1.0, 2.0])
    assert alr.n_labeled_ == 42


# --------------------------------------------------------- scikit-learn glue


def test_get_set_params_deep():
    alr = ActiveLearningRegressor(Ridge(), strategy=UncertaintySampling())
    params = alr.get_params(deep=True)
    assert params["estimator__alpha"] == 1.0
    assert params["strategy__n_members"] == 5
    alr.set_params(estimator__alpha=3.0, strategy__n_members=7)
    assert alr.estimator.alpha == 3.0 and alr.strategy.n_members == 7
    cloned = clone(alr)
    assert cloned.estimator.alpha == 3.0 and cloned.strategy is not alr.strategy


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_round_trip_keeps_predictions_and_queries(split, tmp_path, dump):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(small_forest(), random_state=0).fit(X, y)
    if dump == "pickle":
        loaded = pickle.loads(pickle.dumps(alr))
    else:
        joblib.dump(alr, tmp_path / "alr.joblib")
        loaded = joblib.load(tmp_path / "alr.joblib")
    np.testing.assert_allclose(loaded.predict(X_pool), alr.predict(X_pool))
    np.testing.assert_array_equal(loaded.query(X_pool, n=10), alr.query(X_pool, n=10))


def raw_frame(n, seed):
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(
        {
            "area": rng.uniform(20, 200, n),
            "rooms": rng.randint(1, 6, n).astype(float),
            "city": rng.choice(["Lyon", "Oslo", "Lima"], n),
        }
    )
    target = frame["area"] * 10 + frame["rooms"] * 50 + (frame["city"] == "Oslo") * 300
    frame.loc[rng.rand(n) < 0.1, "area"] = np.nan
    frame.loc[rng.rand(n) < 0.1, "city"] = np.nan
    return frame, target.to_numpy() + rng.normal(0, 5, n)


def frame_pipeline():
    encode = ColumnTransformer(
        [
            ("num", SimpleImputer(), ["area", "rooms"]),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                ["city"],
            ),
        ]
    )
    return make_pipeline(encode, RandomForestRegressor(n_estimators=20, random_state=0))


@pytest.mark.parametrize("strategy", ["uncertainty", "qbc", "random"])
def test_pipeline_estimator_takes_raw_frames(strategy):
    X, y = raw_frame(200, 0)
    X_pool, _ = raw_frame(100, 1)
    y_partial = y.copy()
    y_partial[60:] = np.nan
    alr = ActiveLearningRegressor(frame_pipeline(), strategy=strategy, random_state=0)
    alr.fit(X, y_partial)
    assert alr.n_labeled_ == 60
    mean, std = alr.predict(X_pool, return_std=True)
    assert np.isfinite(mean).all() and np.isfinite(std).all()
    positions = alr.query(X_pool, n=8)
    assert len(set(positions.tolist())) == 8
    alr.teach(X_pool.iloc[positions], np.ones(8))
    assert alr.n_labeled_ == 68
    assert list(alr.feature_names_in_) == ["area", "rooms", "city"]


def test_grid_search_over_strategy_and_estimator_params(split):
    X, y, *_ = split
    grid = GridSearchCV(
        ActiveLearningRegressor(RandomForestRegressor(n_estimators=10), random_state=0),
        {"strategy": ["uncertainty", "qbc"], "estimator__max_depth": [2, None]},
        cv=3,
    ).fit(X, y)
    assert set(grid.best_params_) == {"strategy", "estimator__max_depth"}
    assert grid.best_estimator_.n_labeled_ == 40


@pytest.mark.parametrize("wrapped", [False, True])
def test_existing_script_works_when_wrapped(split, tmp_path, wrapped):
    """The user's script: forest in a Pipeline, GridSearchCV, joblib, cross_val_score."""
    X, y, X_pool, *_ = split
    regressor = small_forest()
    prefix = "regressor__"
    if wrapped:
        regressor = ActiveLearningRegressor(regressor)
        prefix = "regressor__estimator__"
    pipe = Pipeline([("scale", StandardScaler()), ("regressor", regressor)])
    grid = GridSearchCV(pipe, {prefix + "max_depth": [3, None]}, cv=3).fit(X, y)
    joblib.dump(grid.best_estimator_, tmp_path / "model.joblib")
    model = joblib.load(tmp_path / "model.joblib")
    assert model.predict(X_pool).shape == (200,)
    assert cross_val_score(pipe, X, y, cv=3).shape == (3,)


@pytest.mark.parametrize(
    "bad_fit",
    [
        lambda a, X: a.fit(X[:, :3], np.full(len(X), np.nan)),
        lambda a, X: a.set_params(budget=10_000).fit(X[:, :4], np.ones(len(X))),
    ],
)
def test_failed_refit_keeps_the_fitted_learner(split, bad_fit):
    X, y, X_pool, *_ = split
    alr = ActiveLearningRegressor(
        small_forest(), strategy="uncertainty", random_state=0
    )
    alr.fit(X, y)
    before = snapshot(alr, X_pool)
    with pytest.raises(ValueError):
        bad_fit(alr, X)
    alr.set_params(budget=None)
    assert alr.n_features_in_ == 10
    assert_unchanged(alr, X_pool, before)
    alr.teach(X_pool[:2], [1.0, 2.0])
    assert alr.n_labeled_ == 42


def test_learn_on_a_frame_keeps_feature_names_quietly(split):
    import warnings

    X, y, X_pool, y_pool, *_ = split
    columns = [f"x{i}" for i in range(10)]
    alr = ActiveLearningRegressor(
        small_forest(), strategy="uncertainty", random_state=0
    )
    alr.fit(pd.DataFrame(X, columns=columns), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        alr.learn(pd.DataFrame(X_pool, columns=columns), y_pool, n_queries=20)
    assert alr.n_labeled_ == 60
    np.testing.assert_array_equal(alr.feature_names_in_, columns)


# ----------------------------------------------------- teach: fuzzed inputs
