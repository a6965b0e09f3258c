"""Dask pools: each block scored where it lives, only candidates travel.

A pool held as a ``dask.array.Array`` or a ``dask.dataframe.DataFrame`` is
never brought into one process. Each row block (a chunk of rows, or a
partition, kept a pandas DataFrame so a ``ColumnTransformer`` with string
column names sees the frame it was fitted on) is scored by a task that gets
the fitted learner, which is sent to the workers once, and returns the block's
length and its few best candidates: their positions in the block, their scores
and the rows themselves. The client merges the candidates.

Score strategies (one score per row) keep each block's top ``n`` under the
same total order as the in-memory rule (higher score first, then lower
position), so the global top ``n`` of the merged candidates is exactly the
in-memory answer, ties included. Strategies that choose their batch jointly
(LCMD, greedy sampling) and batch rules that look at the rows (the diverse
rule) get a per-block shortlist; the exact rule then runs in memory over the
shortlist, with the labeled rows as the learner holds them.

The blocks and the tasks that score them are in :mod:`skactive._dask_blocks`;
here the client merges their candidates for a query, a round of ``learn``
(:class:`DaskPool`) or a chunk of a stream.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._dask_blocks import (
    Pool,
    block_scores,
    block_shortlist,
    block_top,
    check_features,
    compute,
    draws_from_rng,
    excluded_per_block,
    is_dask_collection,
    picks_jointly,
    rng_states,
    ship,
    shortlist_factor,
)
from ._querying import query_rows
from ._rows import concat_rows, take_rows
from ._seeding import learner_rng
from ._validation import ask, check_n, check_oracle
from .strategies._batch import TopSelection

__all__ = ["DaskPool", "dask_query", "dask_stream_scores", "is_dask_collection"]


def _candidates(learner, pool, n, transform=None, taken=None, shipped=None):
    """Merged candidates of every block: global positions, scores, rows.

    Returns the pool's rows at the chosen positions too, so ``learn`` never
    reads the pool again to teach them.
    """
    from dask import delayed

    strategy = learner.strategy_
    rule = learner.batch_selection_
    salt = learner.n_labeled_ + 1
    excluded = excluded_per_block(pool, taken)
    shipped = ship(learner) if shipped is None else shipped
    tr = ship(transform) if transform is not None else None
    # A batch strategy, or a score strategy under a rule other than top-n (the
    # diverse rule draws over the whole pool), shortlists per block: each block
    # runs the learner's own query, then the rule runs over the shortlists.
    jointly = picks_jointly(strategy) or type(rule) is not TopSelection
    exact_top = not jointly
    if jointly:
        # A single block needs no second pass: its own choice is the answer.
        k = n if len(pool.blocks) == 1 else shortlist_factor() * n
    else:
        k = n
    states = [None] * len(pool.blocks)
    if not jointly and draws_from_rng(strategy):
        pool.fill_lengths()
        available = np.asarray(pool.lengths) - [
            0 if e is None else len(e) for e in excluded
        ]
        states = rng_states(learner_rng(learner, salt=salt), available)
    tasks = []
    for b, block in enumerate(pool.blocks):
        if jointly:
            task = delayed(block_shortlist, pure=False)(
                shipped, block, k, tr, excluded[b]
            )
        else:
            task = delayed(block_top, pure=False)(
                shipped, block, k, salt, tr, excluded[b], states[b]
            )
        tasks.append(task)
    results = compute(*tasks)
    pool.learn_lengths([r[0] for r in results])
    offsets = pool.offsets()
    positions = np.concatenate(
        [np.asarray(r[1], dtype=np.int64) + offsets[b] for b, r in enumerate(results)]
    )
    scores = np.concatenate([np.asarray(r[2], dtype=float) for r in results])
    rows = _stack([r[3] for r in results])
    return positions, scores, rows, (jointly, exact_top, len(pool.blocks) == 1)


def _stack(parts):
    if parts and isinstance(parts[0], pd.DataFrame):
        return pd.concat(parts, axis=0, ignore_index=True)
    out = parts[0]
    for part in parts[1:]:
        out = concat_rows(out, part)
    return out


def _choose(learner, n, positions, scores, rows, how):
    """The batch of ``n`` among the candidates: global positions and their rows."""
    jointly, exact_top, single = how
    if exact_top:
        order = np.lexsort((positions, -scores))[:n]
    elif jointly and single:
        order = np.arange(n)  # the only block chose the batch itself
    else:
        local, _ = query_rows(learner, rows, n)
        order = np.asarray(local, dtype=np.intp)
    return positions[order], take_rows(rows, order)


def check_size(n, n_pool, name):
    return check_n(n, np.inf if n_pool is None else n_pool, name=name)


def lazy_scores(learner, pool, transform=None, shipped=None):
    """Every row's score as a lazy 1-d Dask array, in the pool's row order."""
    import dask.array as da
    from dask import delayed

    salt = learner.n_labeled_ + 1
    shipped = ship(learner) if shipped is None else shipped
    tr = ship(transform) if transform is not None else None
    states = [None] * len(pool.blocks)
    if draws_from_rng(learner.strategy_):
        pool.fill_lengths()
        states = rng_states(learner_rng(learner, salt=salt), pool.lengths)
    parts = [
        da.from_delayed(
            delayed(block_scores, pure=False)(shipped, block, salt, tr, states[b]),
            shape=(pool.lengths[b],),
            dtype=float,
        )
        for b, block in enumerate(pool.blocks)
    ]
    return da.concatenate(parts) if parts else da.zeros(0)


def dask_query(learner, X_pool, n=1, *, return_scores=False, transform=None):
    """:meth:`ActiveLearningRegressor.query` on a Dask pool.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        Fitted learner.
    X_pool : dask.array.Array or dask.dataframe.DataFrame
        The pool, in any chunks (uneven or of unknown size).
    n : int, default=1
    return_scores : bool, default=False
        Also return every row's score, as a lazy Dask array.
    transform : fitted transformer, default=None
        Applied to each block first (the earlier steps of a Pipeline).

    Returns
    -------
    positions : ndarray of int64, shape (n,)
        Global positions in the pool's row order, best first.
    scores : dask.array.Array of shape (n_pool,)
        Only with ``return_scores=True``; never computed here.
    """
    check_is_fitted(learner)
    pool = Pool(X_pool)
    if transform is None:
        check_features(learner, pool)
    n = check_size(n, pool.n_rows, "n")
    shipped = ship(learner)
    positions, scores, rows, how = _candidates(
        learner, pool, n, transform, shipped=shipped
    )
    n = check_size(n, pool.n_rows, "n")
    positions, _ = _choose(learner, n, positions, scores, rows, how)
    positions = positions.astype(np.int64)
    if return_scores:
        return positions, lazy_scores(learner, pool, transform, shipped=shipped)
    return positions


# ------------------------------------------------------------- the loop


class DaskPool:
    """A Dask pool as the source of the rounds of ``learn``.

    Each round scores the rows not yet queried block by block; the chosen
    rows come back with the candidates, so the pool is never read into the
    client. An array oracle is read only at the queried positions.
    """

    def __init__(self, learner, X_pool, oracle, n_queries):
        self.learner = learner
        self.pool = Pool(X_pool)
        check_features(learner, self.pool)
        self.n_queries = check_size(n_queries, self.pool.n_rows, "n_queries")
        self.oracle = oracle
        self.lazy_oracle = is_dask_collection(oracle)
        self.taken = np.empty(0, dtype=np.int64)
        self.X = None  # stopping criteria, which read it, are refused

    @staticmethod
    def refuse(fit_params, stopping):
        """What ``learn`` cannot do on a Dask pool."""
        if fit_params:
            raise ValueError(
                "Fit parameters for the pool rows are not available for a "
                f"Dask pool (got {sorted(fit_params)}); pass them for a pool "
                "in memory, or none."
            )
        if stopping is not None:
            raise ValueError(
                "Stopping criteria read the pool between rounds and are not "
                "available for a Dask pool; pass stopping=None, or a pool in memory."
            )

    def check_oracle(self):
        if self.pool.known:
            _check_oracle_length(self.oracle, self.pool.n_rows, self.lazy_oracle)

    def next_batch(self, k):
        """The ``k`` rows the learner queries among those not taken: global
        positions, rows, the oracle's answers and (no) fit parameters."""
        known = self.pool.known
        positions, scores, rows, how = _candidates(
            self.learner, self.pool, k, taken=self.taken
        )
        if not known:
            check_size(self.n_queries, self.pool.n_rows, "n_queries")
            self.check_oracle()
        positions, rows = _choose(self.learner, k, positions, scores, rows, how)
        if self.lazy_oracle:
            answers = ask(_read_at(self.oracle, positions), rows, np.arange(k))
        else:
            answers = ask(self.oracle, rows, positions)
        return positions, rows, answers, {}

    def take(self, positions):
        self.taken = np.union1d(self.taken, positions)

    def candidates(self):
        return None


def _check_oracle_length(oracle, n_pool, lazy):
    if not lazy:
        check_oracle(oracle, n_pool)
        return
    length = oracle.shape[0] if hasattr(oracle, "shape") else None
    if length is not None and not np.isnan(length) and int(length) != n_pool:
        raise ValueError(
            f"The oracle array has {int(length)} targets but X_pool has {n_pool} "
            "rows; pass one target per pool row."
        )


def _read_at(oracle, positions):
    """Values of a Dask oracle at global ``positions`` (only those are computed)."""
    import dask.array as da
    import dask.dataframe as dd

    if isinstance(oracle, (dd.Series, dd.DataFrame)):
        oracle = oracle.to_dask_array(lengths=True)
    if not isinstance(oracle, da.Array):
        raise TypeError(
            f"A Dask oracle must be a Dask array or Series; got {type(oracle).__name__}."
        )
    if np.isnan(oracle.shape[0]):
        oracle = oracle.compute_chunk_sizes()
    order = np.argsort(positions, kind="stable")
    values = np.asarray(oracle[positions[order]].compute())
    out = np.empty_like(values)
    out[order] = values
    return out


# ------------------------------------------------------------ the stream


def dask_stream_scores(learner, X, rng):
    """The strategy's scores of a Dask collection of arriving rows, in arrival
    order, as :meth:`StreamSelector.decide` scores rows in memory.

    Blocks are scored where they live. ``rng`` (the stream's score stream)
    is left where scoring the rows in memory in one call would leave it.
    """
    import dask

    pool = Pool(X)
    check_features(learner, pool)
    strategy = learner.strategy_
    if draws_from_rng(strategy):
        pool.fill_lengths()
        states = rng_states(rng, pool.lengths)
        end = None
    else:
        # Every built-in strategy draws the same amount from its random state
        # whatever the number of rows (a projection, or nothing): each block
        # starts from the current state, and the stream continues from where
        # one block left it.
        states = [rng.get_state()] * len(pool.blocks)
        end = _state_after(strategy, learner, states[0])
    shipped = ship(learner)
    tasks = [
        dask.delayed(block_scores, pure=False)(shipped, block, 0, None, states[b])
        for b, block in enumerate(pool.blocks)
    ]
    raw = np.concatenate([np.asarray(s, float) for s in compute(*tasks)] or [[]])
    if end is not None:
        rng.set_state(end)
    return raw


def _state_after(strategy, learner, state):
    """The random state after the strategy scores one row (no pool needed)."""
    rng = np.random.RandomState()
    rng.set_state(state)
    X = learner.X_labeled_
    strategy.score(learner, take_rows(X, [0]), random_state=rng)
    return rng.get_state()
