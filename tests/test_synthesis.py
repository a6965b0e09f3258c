"""Membership query synthesis: new rows inside the learned domain."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from skactive import ActiveLearningRegressor


def forest(n_estimators=20):
    return RandomForestRegressor(n_estimators=n_estimators, random_state=0)


@pytest.fixture(scope="module")
def numeric():
    """Columns 0-2 real in [0, 1]; 3 integer in [2, 9]; 4 real in [-5, 5]."""
    rng = np.random.RandomState(0)
    X = np.column_stack(
        [
            rng.uniform(size=(600, 3)),
            rng.randint(2, 10, size=600).astype(float),
            rng.uniform(-5, 5, size=600),
        ]
    )
    y = np.where(X[:, 0] < 0.5, 0.0, 5 * np.sin(10 * X[:, 1])) + X[:, 3]
    return X, y


@pytest.fixture(scope="module")
def frame():
    rng = np.random.RandomState(1)
    n = 400
    X = pd.DataFrame(
        {
            "length": rng.uniform(1.0, 3.0, n),
            "count": rng.randint(0, 6, n),
            "level": rng.randint(1, 4, n).astype(float),
            "color": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
            "site": rng.choice(["north", "south"], n).astype(object),
            "flag": rng.uniform(size=n) > 0.5,
            "small": rng.uniform(size=n).astype(np.float32),
        }
    )
    y = X["length"] * X["count"] + (X["color"] == "red") * 4 + X["flag"] * 2
    return X, y.to_numpy(dtype=float)


def frame_learner():
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["color", "site", "flag"]),
        remainder="passthrough",
    )
    return ActiveLearningRegressor(make_pipeline(encode, forest()), random_state=0)


def min_pairwise_distance(Z):
    Z = (Z - Z.min(axis=0)) / np.where(np.ptp(Z, axis=0) > 0, np.ptp(Z, axis=0), 1)
    d = np.sqrt(((Z[:, None, :] - Z[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    return d.min()


def test_rows_respect_ranges_and_integer_columns(numeric):
    X, y = numeric
    alr = ActiveLearningRegressor(forest(), random_state=0).fit(X[:100], y[:100])
    Z = alr.synthesize(20)
    assert isinstance(Z, np.ndarray) and Z.shape == (20, 5)
    assert np.all(Z >= X[:100].min(axis=0)) and np.all(Z <= X[:100].max(axis=0))
    np.testing.assert_array_equal(Z[:, 3], np.round(Z[:, 3]))
    assert not np.allclose(Z[:, 0], np.round(Z[:, 0]))
    # new rows, not copies of rows fit was given, and no near-duplicates
    assert not any((np.abs(X - row).max(axis=1) == 0).any() for row in Z)
    assert min_pairwise_distance(Z) > 0.05


def test_domain_comes_from_every_row_including_unlabeled(numeric):
    X, y = numeric
    y_known = np.full_like(y, np.nan)
    low = np.flatnonzero(X[:, 4] < 0)
    y_known[low[:100]] = y[low[:100]]
    alr = ActiveLearningRegressor(forest(), random_state=0).fit(X, y_known)
    Z = alr.synthesize(30)
    assert Z[:, 4].max() > 0  # outside the labeled rows' range, inside X's
    assert Z[:, 4].max() <= X[:, 4].max()


def test_budgeted_fit_learns_the_domain_of_every_row(numeric):
    X, y = numeric
    alr = ActiveLearningRegressor(
        forest(5), budget=30, initial_size=10, batch_size=10, random_state=0
    ).fit(X, y)
    Z = alr.synthesize(50)
    assert np.all(Z >= X.min(axis=0)) and np.all(Z <= X.max(axis=0))
    np.testing.assert_array_equal(Z[:, 3], np.round(Z[:, 3]))


def test_synthesized_rows_are_more_informative_than_random_rows(numeric):
    X, y = numeric
    alr = ActiveLearningRegressor(forest(), strategy="uncertainty", random_state=0)
    alr.fit(X[:200], y[:200])
    Z = alr.synthesize(10)
    rng = np.random.RandomState(0)
    random_rows = np.column_stack(
        [
            rng.uniform(size=(2000, 3)),
            rng.randint(2, 10, size=2000).astype(float),
            rng.uniform(-5, 5, size=2000),
        ]
    )
    _, scores = alr.query(np.vstack([Z, random_rows]), n=1, return_scores=True)
    synthesized, uniform = scores[:10], scores[10:]
    assert synthesized.mean() > 1.5 * uniform.mean()
    assert synthesized.min() > np.quantile(uniform, 0.75)
    # most informative first
    assert np.all(np.diff(synthesized) <= 1e-12)
    # the informative half of the domain is where the target varies
    assert (Z[:, 0] >= 0.5).mean() >= 0.8


def test_dataframe_in_dataframe_out(frame):
    X, y = frame
    alr = frame_learner().fit(X, y)
    Z = alr.synthesize(12)
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == list(X.columns)
    assert Z.dtypes.equals(X.dtypes)
    assert len(Z) == 12 and not Z.isna().any().any()
    assert Z["length"].between(X["length"].min(), X["length"].max()).all()
    assert Z["count"].between(0, 5).all()
    assert (Z["level"] == np.round(Z["level"])).all() and Z["level"].between(1, 3).all()
    assert set(Z["color"]) <= {"red", "green", "blue"}
    assert set(Z["site"]) <= {"north", "south"}
    assert Z["color"].dtype == X["color"].dtype
    # the learner takes the rows straight back, and teach takes the answers
    y_new = Z["length"] * Z["count"]
    alr.teach(Z, y_new)
    assert alr.n_labeled_ == len(X) + 12


def test_user_bounds_are_respected(frame):
    X, y = frame
    alr = frame_learner().fit(X, y)
    Z = alr.synthesize(
        10, bounds={"length": (1.5, 1.6), "count": (1.2, 3.7), "color": ["red"]}
    )
    assert Z["length"].between(1.5, 1.6).all()
    assert set(Z["count"]) <= {2, 3}
    assert set(Z["color"]) == {"red"}
    assert Z.dtypes.equals(X.dtypes)


def test_bounds_may_reach_beyond_the_learned_domain(numeric):
    X, y = numeric
    alr = ActiveLearningRegressor(forest(), random_state=0).fit(X[:100], y[:100])
    Z = alr.synthesize(20, bounds=[None, None, (0.0, 3.0), (10, 12), None])
    assert np.all((Z[:, 2] >= 0) & (Z[:, 2] <= 3))
    assert set(Z[:, 3]) <= {10.0, 11.0, 12.0}
    assert np.all(Z[:, :2] <= 1) and np.all(Z[:, :2] >= 0)


@pytest.mark.parametrize(
    "bounds, match",
    [
        ({"length": (2.0, 1.0)}, "low <= high"),
        ({"length": (1.0, np.inf)}, "finite"),
        ({"length": "wide"}, "pair"),
        ({"count": (1.2, 1.8)}, "no integer"),
        ({"color": ["purple"]}, "never saw"),
        ({"color": []}, "at least one"),
        ({"weight": (0, 1)}, "not fit on"),
        ([(0, 1)], "one .* per feature"),
    ],
)
def test_bad_bounds_raise(frame, bounds, match):
    X, y = frame
    alr = frame_learner().fit(X, y)
    with pytest.raises(ValueError, match=match):
        alr.synthesize(3, bounds=bounds)


def test_teach_extends_the_domain(numeric):
    X, y = numeric
    alr = ActiveLearningRegressor(forest(5), random_state=0).fit(X[:100], y[:100])
    far = X[100:105].copy()
    far[:, 4] = 20.0
    alr.teach(far, y[100:105])
    Z = alr.synthesize(200)
    assert Z[:, 4].max() > 5 and Z[:, 4].max() <= 20


def test_random_strategy_gives_a_uniform_design(numeric):
    X, y = numeric
    alr = ActiveLearningRegressor(forest(5), strategy="random", random_state=0)
    Z = alr.fit(X[:100], y[:100]).synthesize(400)
    assert np.all(Z >= X[:100].min(axis=0)) and np.all(Z <= X[:100].max(axis=0))
    # uniform: both halves of every real column are hit about equally
    assert 0.4 < (Z[:, 0] < 0.5).mean() < 0.6
    assert 0.4 < (Z[:, 4] < 0).mean() < 0.6


def test_sparse_in_sparse_out(numeric):
    X, y = numeric
    Xs = sp.csr_matrix(np.where(X > 0.7, X, 0.0))
    alr = ActiveLearningRegressor(forest(5), random_state=0).fit(Xs[:100], y[:100])
    Z = alr.synthesize(5)
    assert sp.issparse(Z) and Z.shape == (5, 5)
    dense = Z.toarray()
    assert np.all(dense >= Xs[:100].toarray().min(axis=0))
    assert np.all(dense <= Xs[:100].toarray().max(axis=0))


@pytest.mark.parametrize(
    "n, error", [(0, ValueError), (-2, ValueError), (2.5, TypeError)]
)
def test_bad_n_raises(numeric, n, error):
    X, y = numeric
    alr = ActiveLearningRegressor(forest(5), random_state=0).fit(X[:50], y[:50])
    with pytest.raises(error, match="n"):
        alr.synthesize(n)


def test_local_refinement_only_improves_scores_and_keeps_the_domain(numeric):
    from skactive.synthesis import synthesize

    X, y = numeric
    # A score strategy: refinement moves rows up its score (a batch strategy,
    # the default, chooses among candidates and is not refined).
    alr = ActiveLearningRegressor(forest(), strategy="uncertainty", random_state=0)
    alr.fit(X[:100], y[:100])
    plain = synthesize(alr, 8, refine=0, random_state=0)
    refined = synthesize(alr, 8, refine=3, random_state=0)
    _, scores = alr.query(np.vstack([plain, refined]), n=1, return_scores=True)
    assert scores[8:].sum() > scores[:8].sum()
    assert np.all(refined >= X[:100].min(axis=0))
    assert np.all(refined <= X[:100].max(axis=0))
    np.testing.assert_array_equal(refined[:, 3], np.round(refined[:, 3]))
    assert min_pairwise_distance(refined) > 0.05


def test_density_weight_moves_rows_off_the_boundary(numeric):
    from skactive.synthesis import synthesize

    X, y = numeric
    alr = ActiveLearningRegressor(forest(), strategy="uncertainty", random_state=0)
    alr.fit(X[:100], y[:100])
    raw = synthesize(alr, 20, density=0, random_state=0)
    weighted = synthesize(alr, 20, density=2, random_state=0)
    low, high = X[:100].min(axis=0), X[:100].max(axis=0)

    def centrality(Z):
        return -np.abs((Z - low) / (high - low) - 0.5).mean()

    assert centrality(weighted) > centrality(raw)
    _, scores = alr.query(np.vstack([raw, weighted]), n=1, return_scores=True)
    assert scores[:20].mean() >= scores[20:].mean()
    with pytest.raises(ValueError, match="density"):
        synthesize(alr, 2, density=-1)


# --------------------------------------------------- extreme ranges and dtypes


def _passthrough_learner(strategy="random"):
    from sklearn.dummy import DummyRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    return ActiveLearningRegressor(
        make_pipeline(FunctionTransformer(), DummyRegressor()),
        strategy=strategy,
        committee=3 if strategy == "qbc" else None,
        random_state=0,
    )


@pytest.mark.parametrize("strategy", ["random", "qbc"])
def test_extreme_ranges_and_object_columns_keep_their_dtypes(strategy):
    import warnings

    rng = np.random.RandomState(0)
    n = 60
    X = pd.DataFrame(
        {
            "huge": np.r_[-1.7e308, 1.7e308, rng.uniform(-1e300, 1e300, n - 2)],
            "bigint": np.r_[
                np.uint64(0),
                np.uint64(10**19),
                rng.randint(0, 1000, n - 2).astype(np.uint64),
            ],
            "obj": pd.Series(rng.choice(["a", "b"], n), dtype=object),
            "small": rng.randint(0, 5, n),
        }
    )
    learner = _passthrough_learner(strategy).fit(X, rng.normal(size=n))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way
        new = learner.synthesize(8)
    assert new.dtypes.to_dict() == X.dtypes.to_dict()
    assert np.isfinite(new["huge"]).all()
    assert new["huge"].between(-1.7e308, 1.7e308).all()
    assert (new["bigint"] <= np.uint64(10**19)).all()
    assert set(new["obj"]) <= {"a", "b"}
    assert new["small"].between(0, 4).all()


def test_array_spanning_every_float_synthesizes():
    rng = np.random.RandomState(0)
    X = np.c_[
        np.r_[-1.7e308, 1.7e308, rng.uniform(-1e300, 1e300, 38)], rng.normal(size=40)
    ]
    from sklearn.dummy import DummyRegressor

    learner = ActiveLearningRegressor(DummyRegressor(), strategy="random").fit(
        X, rng.normal(size=40)
    )
    new = learner.synthesize(4)
    assert new.shape == (4, 2) and np.isfinite(new).all()


def test_batch_strategy_picks_its_batch_from_the_candidates(numeric, monkeypatch):
    """The default (LCMD) chooses the rows jointly from uniform candidates of the
    domain, as from a pool: distinct rows, far from the labeled ones."""
    from skactive.strategies import LCMDSampling

    X, y = numeric
    calls = []
    original = LCMDSampling.select_batch

    # Spy on the batch choice itself: replacing ``query`` would change how a
    # batch strategy is recognised and hide a broken dispatch.
    def spy(self, learner, X_pool, n, **kwargs):
        calls.append((X_pool.shape, n))
        return original(self, learner, X_pool, n, **kwargs)

    monkeypatch.setattr(LCMDSampling, "select_batch", spy)
    alr = ActiveLearningRegressor(forest(), random_state=0).fit(X[:100], y[:100])
    Z = alr.synthesize(15)
    assert calls == [((2000, 5), 15)]
    assert np.unique(Z, axis=0).shape[0] == 15
    assert np.all((Z >= X.min(axis=0)) & (Z <= X.max(axis=0)))
    np.testing.assert_array_equal(Z[:, 3], np.round(Z[:, 3]))
    scores = alr.strategy_.score(alr, np.vstack([Z, X[100:]]))
    assert scores[:15].mean() > scores[15:].mean()


def test_default_synthesizes_with_lcmds_own_masses(numeric):
    """``error_weighting="auto"`` weighs pools, not synthesis candidates;
    ``True`` weighs them too."""
    from skactive.strategies import LCMDSampling

    X, y = numeric

    def rows(weighting):
        strategy = LCMDSampling(error_weighting=weighting)
        alr = ActiveLearningRegressor(forest(), strategy=strategy, random_state=0)
        return alr.fit(X[:100], y[:100]).synthesize(10)

    np.testing.assert_array_equal(rows("auto"), rows(False))
    assert not np.array_equal(rows(True), rows(False))
