"""Row blocks of a Dask pool and the tasks that score them
(``skactive/_dask_blocks.py``)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")

from skactive._dask_blocks import (  # noqa: E402
    Pool,
    block_top,
    compute,
    excluded_per_block,
    is_dask_collection,
    rng_states,
)


def test_pool_blocks_keep_row_order_and_lengths():
    X = np.arange(30.0).reshape(10, 3)
    pool = Pool(da.from_array(X, chunks=((4, 1, 5), (2, 1))))
    assert pool.known and pool.n_rows == 10
    assert len(pool.blocks) == 3
    blocks = compute(*pool.blocks)
    np.testing.assert_array_equal(np.vstack(blocks), X)  # whole rows per block
    np.testing.assert_array_equal(pool.offsets(), [0, 4, 5, 10])


def test_frame_lengths_are_learned_on_demand():
    frame = dd.from_pandas(pd.DataFrame(np.ones((9, 2))), npartitions=3)
    pool = Pool(frame[frame[0] > 0])
    assert not pool.known and pool.n_rows is None
    pool.fill_lengths()
    assert pool.known and pool.n_rows == 9


def test_pool_refuses_what_it_cannot_split_into_rows():
    with pytest.raises(TypeError, match="dask.array.Array"):
        Pool(np.ones((3, 2)))
    with pytest.raises(ValueError, match="2D"):
        Pool(da.ones((2, 2, 2)))
    assert not is_dask_collection(np.ones(3))
    assert is_dask_collection(da.ones(3))


def test_rng_states_replay_one_draw_over_the_whole_pool():
    rng = np.random.RandomState(0)
    states = rng_states(np.random.RandomState(0), [3, 0, 4])
    whole = rng.random_sample(7)
    parts = []
    for state, length in zip(states, [3, 0, 4]):
        block = np.random.RandomState()
        block.set_state(state)
        parts.append(block.random_sample(length))
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_excluded_positions_are_local_to_their_block():
    pool = Pool(da.ones((10, 2), chunks=((4, 1, 5), 2)))
    out = excluded_per_block(pool, np.array([9, 0, 5, 3]))
    np.testing.assert_array_equal(out[0], [0, 3])
    assert out[1] is None
    np.testing.assert_array_equal(out[2], [0, 4])
    assert excluded_per_block(pool, None) == [None, None, None]


def test_block_top_ranks_higher_first_then_lower_position():
    X, y = make_friedman1(n_samples=80, random_state=0)
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0),
        strategy="uncertainty",
        random_state=0,
    ).fit(X[:30], y[:30])
    block = X[30:]
    n_rows, positions, scores, rows = block_top(learner, block, 5, 0, None, [2], None)
    assert n_rows == 50 and 2 not in positions
    assert np.all(np.diff(scores) <= 0)
    np.testing.assert_array_equal(rows, block[positions])
    all_scores = learner.strategy_.score(learner, block)
    np.testing.assert_allclose(scores, all_scores[positions])
