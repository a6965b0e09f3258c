"""Dask pools: scored block by block, the same answers as in memory."""

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import skactive
from skactive import ActiveLearningRegressor, StreamSelector

da = pytest.importorskip(
    "dask.array", reason="dask is not installed (pip install 'skactive[dask]')"
)
dd = pytest.importorskip(
    "dask.dataframe",
    reason="dask.dataframe is not installed (pip install 'skactive[dask]')",
)
distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed (pip install 'skactive[dask]')"
)
import dask  # noqa: E402

SCORE_STRATEGIES = ["uncertainty", "random", "qbc", "emcm"]
# Uneven row chunks, one of a single row.
CHUNKS = (300, 1, 199, 700, 160)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(params=["threads", "distributed"])
def scheduler(request):
    """Run the test on the threaded scheduler and on a 2-process LocalCluster."""
    if request.param == "threads":
        with dask.config.set(scheduler="threads"):
            yield "threads"
    else:
        client = request.getfixturevalue("client")
        with dask.config.set(scheduler=client):
            yield "distributed"


@pytest.fixture(scope="module")
def data():
    X, y = make_friedman1(n_samples=1400, noise=0.5, random_state=0)
    return X[:40], y[:40], X[40:], y[40:]


def _learner(strategy, **kwargs):
    # Score strategies under top-n: the Dask answer is exactly the in-memory
    # one. Their default rule ("diverse") draws over the whole pool and is
    # checked over shortlists below.
    if strategy in SCORE_STRATEGIES:
        kwargs.setdefault("batch_selection", "top")
    return ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=10, random_state=0),
        strategy=strategy,
        random_state=0,
        **kwargs,
    )


@pytest.mark.parametrize("strategy", SCORE_STRATEGIES)
def test_array_pool_equals_in_memory(strategy, data, scheduler):
    X0, y0, pool, _ = data
    alr = _learner(strategy).fit(X0, y0)
    expected, expected_scores = alr.query(pool, 25, return_scores=True)
    positions, scores = alr.query(
        da.from_array(pool, chunks=(CHUNKS, 5)), 25, return_scores=True
    )
    assert positions.dtype == np.int64
    np.testing.assert_array_equal(positions, expected)
    assert isinstance(scores, da.Array)
    np.testing.assert_allclose(scores.compute(), expected_scores)


@pytest.mark.parametrize("strategy", SCORE_STRATEGIES)
def test_frame_pool_with_unknown_chunks_equals_in_memory(strategy, data, scheduler):
    X0, y0, pool, _ = data
    columns = [f"x{j}" for j in range(pool.shape[1])]
    frame = pd.DataFrame(pool, columns=columns)
    alr = _learner(strategy).fit(pd.DataFrame(X0, columns=columns), y0)
    expected = alr.query(frame, 25)
    lazy = dd.from_pandas(frame, npartitions=4)
    # Filtering leaves partitions whose lengths dask does not know.
    lazy = lazy[lazy["x0"] > -1.0]
    assert np.isnan(lazy.to_dask_array().chunks[0]).all()
    np.testing.assert_array_equal(alr.query(lazy, 25), expected)


def test_ties_broken_by_position_as_in_memory(data, scheduler):
    X0, y0, pool, _ = data
    alr = _learner("uncertainty").fit(X0, y0)
    # Every row repeated: each score appears twice, in different blocks.
    doubled = np.vstack([pool[:200], pool[:200]])
    expected = alr.query(doubled, 30)
    got = alr.query(da.from_array(doubled, chunks=((150, 150, 100), 10)), 30)
    np.testing.assert_array_equal(got, expected)


def test_best_rows_in_last_uneven_chunk(data, scheduler):
    X0, y0, pool, _ = data
    alr = _learner("uncertainty").fit(X0, y0)
    scores = alr.predict(pool, return_std=True)[1]
    order = np.argsort(scores, kind="stable")
    pool = pool[order]  # the most uncertain rows last
    positions = alr.query(da.from_array(pool, chunks=(CHUNKS, 10)), 20)
    assert positions.min() >= sum(CHUNKS[:-1])
    np.testing.assert_array_equal(np.sort(positions), np.arange(1340, 1360))
    np.testing.assert_array_equal(positions, alr.query(pool, 20))


def test_global_positions_point_at_the_rows(data, scheduler):
    X0, y0, pool, _ = data
    alr = _learner("uncertainty").fit(X0, y0)
    # Move the most uncertain row to position 777, in the middle of block 4.
    best = int(alr.query(pool, 1)[0])
    pool = pool.copy()
    pool[[best, 777]] = pool[[777, best]]
    positions = alr.query(da.from_array(pool, chunks=(CHUNKS, 10)), 1)
    assert positions.tolist() == [777]


def _mixed_frame(n, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "size": rng.uniform(0, 10, n),
            "age": rng.uniform(0, 5, n),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], n)),
        }
    )
    frame.loc[rng.random(n) < 0.1, "size"] = np.nan
    target = (
        np.nan_to_num(frame["size"].to_numpy(), nan=5.0)
        + 3 * (frame["colour"] == "red").to_numpy()
        + np.sin(frame["age"].to_numpy())
    )
    return frame, target


def _mixed_pipeline():
    encode = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["size", "age"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
        ]
    )
    return make_pipeline(encode, RandomForestRegressor(n_estimators=10, random_state=0))


@pytest.mark.parametrize("strategy", ["uncertainty", "emcm"])
def test_frame_through_column_transformer_with_categories_and_nan(strategy, scheduler):
    train, y_train = _mixed_frame(60, 0)
    pool, _ = _mixed_frame(900, 1)
    alr = ActiveLearningRegressor(
        _mixed_pipeline(), strategy=strategy, batch_selection="top", random_state=0
    )
    alr.fit(train, y_train)
    expected, expected_scores = alr.query(pool, 15, return_scores=True)
    lazy = dd.from_pandas(pool, npartitions=3)
    positions, scores = alr.query(lazy, 15, return_scores=True)
    np.testing.assert_array_equal(positions, expected)
    np.testing.assert_allclose(scores.compute(), expected_scores)


def test_query_through_pipeline(data, scheduler):
    X0, y0, pool, _ = data
    pipe = make_pipeline(StandardScaler(), _learner("uncertainty")).fit(X0, y0)
    expected, expected_scores = skactive.query(pipe, pool, 10, return_scores=True)
    positions, scores = skactive.query(
        pipe, da.from_array(pool, chunks=(CHUNKS, 10)), 10, return_scores=True
    )
    np.testing.assert_array_equal(positions, expected)
    np.testing.assert_allclose(scores.compute(), expected_scores)


@pytest.mark.parametrize("strategy", ["lcmd", "gsx", "igs"])
def test_batch_strategy_chooses_over_shortlists(strategy, data, scheduler):
    X0, y0, pool, _ = data
    alr = _learner(strategy).fit(X0, y0)
    positions = alr.query(da.from_array(pool, chunks=(CHUNKS, 10)), 12)
    assert positions.dtype == np.int64
    assert len(set(positions.tolist())) == 12
    assert positions.min() >= 0 and positions.max() < pool.shape[0]
    # One block holding the whole pool is the in-memory answer.
    whole = alr.query(da.from_array(pool, chunks=pool.shape), 12)
    np.testing.assert_array_equal(whole, alr.query(pool, 12))


def test_batch_strategy_same_answer_on_both_schedulers(data, client):
    X0, y0, pool, _ = data
    alr = _learner("lcmd").fit(X0, y0)
    lazy = da.from_array(pool, chunks=(CHUNKS, 10))
    with dask.config.set(scheduler="threads"):
        threads = alr.query(lazy, 12)
    with dask.config.set(scheduler=client):
        cluster = alr.query(lazy, 12)
    np.testing.assert_array_equal(threads, cluster)


def test_diverse_rule_over_block_shortlists(data, scheduler):
    """The default diverse rule draws over the whole pool: each block shortlists
    with the learner's own query, then the rule chooses over the shortlists."""
    X0, y0, pool, _ = data
    alr = _learner("uncertainty", batch_selection="diverse").fit(X0, y0)
    positions = alr.query(da.from_array(pool, chunks=(CHUNKS, 10)), 10)
    assert positions.dtype == np.int64
    assert len(set(positions.tolist())) == 10
    assert positions.min() >= 0 and positions.max() < len(pool)
    # One block: its own choice is the answer, exactly the in-memory one.
    single = alr.query(da.from_array(pool, chunks=(len(pool), 10)), 10)
    np.testing.assert_array_equal(single, alr.query(pool, 10))


@pytest.mark.parametrize("strategy", ["uncertainty", "random"])
@pytest.mark.parametrize("oracle_kind", ["array", "callable", "dask"])
def test_learn_equals_in_memory(strategy, oracle_kind, data, scheduler):
    X0, y0, pool, y_pool = data
    in_memory = _learner(strategy, batch_size=7).fit(X0, y0)
    in_memory.learn(pool, y_pool, n_queries=20)
    alr = _learner(strategy, batch_size=7).fit(X0, y0)
    truth = dict(zip(map(bytes, pool), y_pool))
    oracle = {
        "array": y_pool,
        "callable": lambda rows: [truth[bytes(np.ascontiguousarray(r))] for r in rows],
        "dask": da.from_array(y_pool, chunks=CHUNKS),
    }[oracle_kind]
    alr.learn(da.from_array(pool, chunks=(CHUNKS, 10)), oracle, n_queries=20)
    assert alr.n_labeled_ == 60
    for mine, theirs in zip(alr.history_, in_memory.history_):
        np.testing.assert_array_equal(mine["positions"], theirs["positions"])
    np.testing.assert_array_equal(alr.X_labeled_, in_memory.X_labeled_)


def test_learn_reads_the_oracle_only_at_queried_positions(data, recording_oracle):
    X0, y0, pool, y_pool = data
    oracle = recording_oracle(y_pool)
    alr = _learner("lcmd", batch_size=5).fit(X0, y0)
    with dask.config.set(scheduler="threads"):
        alr.learn(da.from_array(pool, chunks=(CHUNKS, 10)), oracle, n_queries=15)
    queried = np.concatenate([r["positions"] for r in alr.history_])
    assert sorted(oracle.read) == sorted(queried.tolist())
    assert len(set(queried.tolist())) == 15
    np.testing.assert_array_equal(alr.y_labeled_[40:], y_pool[queried])
    np.testing.assert_array_equal(alr.X_labeled_[40:], pool[queried])


def test_learn_frame_pool_through_column_transformer(scheduler):
    train, y_train = _mixed_frame(60, 0)
    pool, y_pool = _mixed_frame(600, 1)
    alr = ActiveLearningRegressor(
        _mixed_pipeline(), strategy="uncertainty", batch_selection="top", random_state=0
    )
    alr.fit(train, y_train)
    expected = ActiveLearningRegressor(
        _mixed_pipeline(), strategy="uncertainty", batch_selection="top", random_state=0
    ).fit(train, y_train)
    expected.learn(pool, y_pool, n_queries=10, batch_size=5)
    alr.learn(dd.from_pandas(pool, npartitions=3), y_pool, n_queries=10, batch_size=5)
    assert isinstance(alr.X_labeled_, pd.DataFrame)
    for mine, theirs in zip(alr.history_, expected.history_):
        np.testing.assert_array_equal(mine["positions"], theirs["positions"])


@pytest.mark.parametrize("rule", ["sample", "threshold"])
@pytest.mark.parametrize("strategy", ["uncertainty", "random"])
def test_stream_decide_equals_in_memory(strategy, rule, data, scheduler):
    # A Dask collection is decided row by row: as in memory under the row
    # rules (the default "chunk" rule decides it as "sample").
    X0, y0, pool, _ = data
    alr = _learner(strategy).fit(X0, y0)
    mem = StreamSelector(alr, budget=0.2, rule=rule, random_state=0)
    lazy = StreamSelector(alr, budget=0.2, rule=rule, random_state=0)
    for part in (pool[:600], pool[600:]):
        expected = mem.decide(part)
        got = lazy.decide(da.from_array(part, chunks=(250, 10)))
        np.testing.assert_array_equal(got, expected)
    assert lazy.budget_spent_ == mem.budget_spent_


def test_bad_pools_raise_before_computing(data):
    X0, y0, pool, _ = data
    alr = _learner("uncertainty").fit(X0, y0)
    with pytest.raises(ValueError, match="features"):
        alr.query(da.from_array(pool[:, :5]), 3)
    with pytest.raises(ValueError, match="larger than the pool"):
        alr.query(da.from_array(pool[:10]), 11)
    with pytest.raises(ValueError, match="2D"):
        alr.query(da.from_array(pool[:, 0]), 1)
    lazy = dd.from_pandas(pd.DataFrame(pool[:50]), npartitions=2)
    with pytest.raises(ValueError, match="larger than the pool"):
        alr.query(lazy[lazy[0] > -1], 60)


def test_import_does_not_import_dask():
    code = "import sys, skactive; print('dask' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_huge_lazy_pool_query_stays_in_bounded_memory(tmp_path):
    """A 6M x 10 pool (480 MB as float64) queried with a peak RSS far below it."""
    script = tmp_path / "huge.py"
    script.write_text(
        textwrap.dedent(
            """
            import resource, sys
            import numpy as np
            import dask, dask.array as da
            from sklearn.datasets import make_friedman1
            from sklearn.ensemble import RandomForestRegressor
            from skactive import ActiveLearningRegressor

            X, y = make_friedman1(n_samples=100, random_state=0)
            alr = ActiveLearningRegressor(
                RandomForestRegressor(n_estimators=5, max_depth=6, random_state=0),
                strategy=sys.argv[1], random_state=0,
            ).fit(X, y)
            pool = da.random.RandomState(0).random_sample(
                (6_000_000, 10), chunks=(100_000, 10)
            )
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with dask.config.set(scheduler="threads", num_workers=2):
                positions, scores = alr.query(pool, 10, return_scores=True)
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            assert len(positions) == 10 and positions.max() < 6_000_000
            assert isinstance(scores, da.Array) and scores.shape == (6_000_000,)
            print(before // 1024, after // 1024)
            """
        )
    )
    for strategy in ("uncertainty", "lcmd"):
        out = subprocess.run(
            [sys.executable, str(script), strategy],
            capture_output=True,
            text=True,
            check=True,
        )
        before_mb, after_mb = map(int, out.stdout.split())
        # The pool is 480 MB; blocks are 8 MB each, two scored at a time.
        assert after_mb - before_mb < 160, (strategy, before_mb, after_mb)


def test_lazy_scores_come_from_the_model_that_answered(data, scheduler):
    X0, y0, pool, y_pool = data
    alr = _learner("uncertainty").fit(X0, y0)
    expected = alr.query(pool, 1, return_scores=True)[1]
    _, lazy = alr.query(da.from_array(pool, chunks=(CHUNKS, 10)), 1, return_scores=True)
    alr.teach(pool[:30], y_pool[:30])
    np.testing.assert_allclose(lazy.compute(), expected)
