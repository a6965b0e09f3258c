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
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import BayesianRidge, LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeRegressor

import skactive
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


@pytest.mark.parametrize(
    "y_bad, match",
    [
        (np.full(40, np.nan), "no labeled row"),
        (np.array(["x"] * 40), "numeric"),
        (np.full(40, np.inf), "infinite"),
        (np.ones((40, 2)), "one target"),
    ],
)
def test_fit_bad_targets(split, y_bad, match):
    X, *_ = split
    with pytest.raises(ValueError, match=match):
        ActiveLearningRegressor().fit(X, y_bad)


def test_feature_names_checked(split):
    X, y, X_pool, *_ = split
    columns = [f"x{i}" for i in range(10)]
    alr = ActiveLearningRegressor(small_forest(), random_state=0)
    alr.fit(pd.DataFrame(X, columns=columns), y)
    np.testing.assert_array_equal(alr.feature_names_in_, columns)
    renamed = pd.DataFrame(X_pool, columns=[c.upper() for c in columns])
    with pytest.raises(ValueError, match="feature names"):
        alr.query(renamed, n=2)


def test_column_vector_y_warns(split):
    from sklearn.exceptions import DataConversionWarning

    X, y, *_ = split
    with pytest.warns(DataConversionWarning):
        ActiveLearningRegressor(small_forest()).fit(X, y.reshape(-1, 1))


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


def test_last_step_of_a_pipeline(split):
    X, y, X_pool, y_pool, *_ = split
    pipe = make_pipeline(
        StandardScaler(), ActiveLearningRegressor(small_forest(), random_state=0)
    ).fit(X, y)
    positions = skactive.query(pipe, X_pool, n=5)
    direct = pipe[-1].query(pipe[0].transform(X_pool), n=5)
    np.testing.assert_array_equal(positions, direct)
    skactive.teach(pipe, X_pool[positions], y_pool[positions])
    assert pipe[-1].n_labeled_ == 45
    assert pipe.predict(X_pool).shape == (200,)
    with pytest.raises(TypeError, match="last step"):
        skactive.query(make_pipeline(StandardScaler(), Ridge()).fit(X, y), X_pool)


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


def _snapshot(learner):
    return (
        learner.n_labeled_,
        learner.n_awaiting_refit_,
        len(learner.history_),
        np.asarray(learner.y_labeled_).copy(),
        learner.estimator_,
        learner.committee_,
    )


def _assert_unchanged(learner, snapshot):
    now = _snapshot(learner)
    assert now[:3] == snapshot[:3]
    np.testing.assert_array_equal(now[3], snapshot[3])
    assert now[4] is snapshot[4] and now[5] is snapshot[5]


def test_teach_refuses_sample_weight_of_the_wrong_length(friedman):
    from sklearn.linear_model import Ridge

    X, y = friedman
    learner = ActiveLearningRegressor(Ridge(), strategy="random").fit(
        X[:20], y[:20], sample_weight=np.ones(20)
    )
    before = _snapshot(learner)
    with pytest.raises(ValueError, match="sample_weight has 3 values for the 2 rows"):
        learner.teach(X[20:22], y[20:22], sample_weight=[5, 5, 5])
    _assert_unchanged(learner, before)
    learner.teach(X[20:22], y[20:22], sample_weight=[5, 5])
    np.testing.assert_array_equal(learner._fit_params["sample_weight"][-2:], [5, 5])


def test_teach_zero_rows_through_a_pipeline_is_a_no_op():
    import pandas as pd
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.uniform(size=(60, 3)), columns=["a", "b", "c"])
    target = frame.sum(axis=1).to_numpy()
    learner = ActiveLearningRegressor(
        make_pipeline(SimpleImputer(), RandomForestRegressor(n_estimators=5)),
        random_state=0,
    ).fit(frame[:30], target[:30])
    before = _snapshot(learner)
    assert learner.teach(frame[:0], target[:0]) is learner
    _assert_unchanged(learner, before)
    with pytest.raises(ValueError, match="2 features, but the learner was fit on 3"):
        learner.teach(frame.iloc[:0, :2], target[:0])


def test_teach_without_refit_stores_labels_and_a_later_teach_refits(friedman):
    X, y = friedman
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5), random_state=0
    ).fit(X[:20], y[:20])
    model = learner.estimator_
    learner.teach(X[20:25], y[20:25], refit=False)
    assert learner.n_labeled_ == 25 and learner.n_awaiting_refit_ == 5
    assert learner.estimator_ is model
    learner.teach(X[:0], y[:0])  # refit on everything, nothing new
    assert learner.n_labeled_ == 25 and learner.n_awaiting_refit_ == 0
    assert learner.estimator_ is not model
    refit = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5), random_state=0
    ).fit(X[:25], y[:25])
    np.testing.assert_allclose(learner.predict(X[100:110]), refit.predict(X[100:110]))


def test_teach_without_refit_refuses_rows_the_model_cannot_take(friedman):
    X, y = friedman
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5), random_state=0
    ).fit(X[:20], y[:20])
    before = _snapshot(learner)
    with pytest.raises(ValueError, match="features"):
        learner.teach(X[20:22, :4], y[20:22], refit=False)
    _assert_unchanged(learner, before)


@pytest.mark.parametrize("scale, works", [(1e30, True), (1e39, False)])
def test_lcmd_with_huge_targets_works_or_says_why(friedman, scale, works):
    X, y = friedman
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=10), random_state=0
    ).fit(X[:30], y[:30] * scale)
    if works:
        assert len(set(learner.query(X[30:], 5))) == 5
        return
    before = _snapshot(learner)
    with pytest.raises(
        ValueError, match="lcmd strategy computes in float32.*rescale y"
    ):
        learner.query(X[30:], 5)
    with pytest.raises(ValueError, match="float32"):
        learner.learn(X[30:], y[30:] * scale, n_queries=10)
    _assert_unchanged(learner, before)
