"""Selection rules of StreamSelector: the chunk rule and the sampled threshold."""

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, StreamSelector
from skactive._stream_rules import (
    chunk_quota,
    chunk_select,
    start_threshold,
    threshold_jitter,
    uses_chunk_rule,
)
from skactive.strategies import LCMDSampling


@pytest.fixture(scope="module")
def stream():
    return make_friedman1(n_samples=6000, noise=0.5, random_state=2)


def fitted(X, y, strategy="lcmd"):
    return ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=10, random_state=0),
        strategy=strategy,
        random_state=0,
    ).fit(X, y)


@pytest.mark.parametrize("budget", [0.013, 0.02, 0.1, 0.37])
@pytest.mark.parametrize("chunk", [1, 7, 250])
def test_chunk_quota_tracks_the_budget_within_half_a_row(budget, chunk):
    seen = selected = 0
    for _ in range(300):
        quota = chunk_quota(budget, seen, selected, chunk)
        assert 0 <= quota <= chunk
        seen += chunk
        selected += quota
        assert abs(selected - budget * seen) <= 0.5 + 1e-9


def test_chunk_quota_makes_up_for_rows_spent_ahead():
    # 30 rows bought ahead of a budget of 0.1 over 100 rows: nothing now.
    assert chunk_quota(0.1, 100, 40, 50) == 0
    # Behind by far: the whole chunk at most.
    assert chunk_quota(0.5, 1000, 0, 10) == 10


def test_chunk_rule_needs_a_row_of_budget_per_chunk():
    assert uses_chunk_rule("chunk", 0.02, 50)
    assert not uses_chunk_rule("chunk", 0.02, 49)
    assert not uses_chunk_rule("chunk", 1.0, 500)
    assert not uses_chunk_rule("threshold", 0.5, 500)
    assert not uses_chunk_rule("sample", 0.5, 500)


def test_default_rule_is_chunk(stream):
    X, y = stream
    assert StreamSelector(fitted(X[:100], y[:100])).rule == "chunk"


def test_chunk_select_buys_the_forced_rows_and_fills_the_quota(stream):
    X, y = stream
    learner = fitted(X[:100], y[:100])
    forced = np.zeros(250, dtype=bool)
    forced[[3, 100]] = True
    selected = chunk_select(learner, X[100:350], 6, forced)
    assert selected.sum() == 6
    assert selected[[3, 100]].all()
    # The learner's picks are its own query on the other rows, with LCMD's
    # own masses (no error weight on a chunk).
    free = np.flatnonzero(~forced)
    plain = fitted(X[:100], y[:100], LCMDSampling(error_weighting=False))
    expected = free[plain.query(X[100:350][free], n=4)]
    assert set(np.flatnonzero(selected)) == {3, 100, *expected.tolist()}
    weighted = free[learner.query(X[100:350][free], n=4)]
    assert set(weighted.tolist()) != set(expected.tolist())


def test_chunk_select_keeps_every_forced_row_beyond_the_quota(stream):
    X, y = stream
    learner = fitted(X[:100], y[:100])
    forced = np.zeros(60, dtype=bool)
    forced[:5] = True
    selected = chunk_select(learner, X[100:160], 2, forced)
    np.testing.assert_array_equal(selected, forced)


def test_jitter_for_the_sampled_rules_only():
    rng = np.random.RandomState(0)
    assert threshold_jitter("threshold", rng, 5) is None
    assert threshold_jitter("chunk", rng, 5).shape == (5,)
    draws = threshold_jitter("sample", rng, 20000)
    assert draws.shape == (20000,)
    assert (draws > 0).all()
    assert draws.mean() == pytest.approx(1.0, abs=0.03)


def test_start_threshold_per_rule():
    assert start_threshold("threshold", 0.1, 1.7) == 1.7
    assert start_threshold("sample", 0.02, 1.7) == pytest.approx(50.0)
    assert start_threshold("chunk", 0.1, 1.7) == pytest.approx(10.0)
    assert start_threshold("sample", 1.0, 1.7) == 0.0


@pytest.mark.parametrize("rule", ["chunk", "sample"])
@pytest.mark.parametrize("budget", [0.02, 0.1])
def test_budget_is_kept_with_updates(stream, rule, budget):
    X, y = stream
    learner = fitted(X[:50], y[:50])
    selector = StreamSelector(
        learner, budget=budget, rule=rule, refit_every=20, random_state=0
    )
    for start in range(50, X.shape[0], 250):
        rows = slice(start, start + 250)
        bought = selector.decide(X[rows])
        selector.update(X[rows][bought], y[rows][bought])
    assert selector.n_seen_ == X.shape[0] - 50
    tolerance = 0.01 if rule == "chunk" else 0.1
    assert abs(selector.budget_spent_ / budget - 1) <= tolerance


def test_sample_rule_decides_chunks_and_rows_alike(stream):
    X, y = stream
    learner = fitted(X[:100], y[:100])
    whole = StreamSelector(learner, budget=0.1, rule="sample", random_state=3)
    rows = StreamSelector(learner, budget=0.1, rule="sample", random_state=3)
    at_once = whole.decide(X[100:400])
    one_by_one = np.concatenate([rows.decide(X[i : i + 1]) for i in range(100, 400)])
    np.testing.assert_array_equal(at_once, one_by_one)
    assert whole.threshold_ == pytest.approx(rows.threshold_)


def test_sample_rule_prefers_high_scores_without_shunning_low_ones(stream):
    X, y = stream
    learner = fitted(X[:100], y[:100])
    selector = StreamSelector(
        learner, budget=0.2, rule="sample", random_share=0.0, random_state=0
    )
    scores = learner.strategy_.score(learner, X[100:])
    selected = selector.decide(X[100:])
    low = scores < np.quantile(scores, 0.5)
    # Rows below the median score are still bought, less often than the rest.
    assert 0 < selected[low].mean() < selected[~low].mean()


def test_chunk_rule_on_single_rows_falls_back_to_sampling(stream):
    X, y = stream
    learner = fitted(X[:100], y[:100])
    chunked = StreamSelector(learner, budget=0.1, rule="chunk", random_state=0)
    plain = StreamSelector(learner, budget=0.1, rule="sample", random_state=0)
    for i in range(100, 160):
        np.testing.assert_array_equal(
            chunked.decide(X[i : i + 1]), plain.decide(X[i : i + 1])
        )
    assert chunked.n_seen_ == 60
    # A chunk with at least one row of budget then goes to the chunk rule and
    # makes up the deficit of the rows decided one at a time.
    chunked.decide(X[200:300])
    assert chunked.n_selected_ == round(0.1 * 160)


def test_unknown_rule_raises(stream):
    X, y = stream
    learner = fitted(X[:100], y[:100])
    with pytest.raises(ValueError, match="rule"):
        StreamSelector(learner, rule="best").decide(X[:10])


def test_a_dask_collection_is_decided_as_sample_under_the_chunk_rule(stream):
    da = pytest.importorskip("dask.array")
    X, y = stream
    learner = fitted(X[:100], y[:100])
    lazy = StreamSelector(learner, budget=0.1, rule="chunk", random_state=1)
    rows = StreamSelector(learner, budget=0.1, rule="sample", random_state=1)
    got = lazy.decide(da.from_array(X[100:600], chunks=(200, 10)))
    np.testing.assert_array_equal(got, rows.decide(X[100:600]))


def test_chunk_select_weighs_the_chunk_when_asked(stream):
    X, y = stream
    learner = fitted(X[:100], y[:100], LCMDSampling(error_weighting=True))
    none_forced = np.zeros(250, dtype=bool)
    selected = chunk_select(learner, X[100:350], 4, none_forced)
    expected = learner.query(X[100:350], n=4)
    assert set(np.flatnonzero(selected)) == set(expected.tolist())
