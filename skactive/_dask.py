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

dask is an optional dependency: nothing here imports it unless a pool is
already a dask collection, so ``import skactive`` never imports dask.
"""

import copy
import sys
import uuid

import numpy as np
import pandas as pd
from sklearn.utils.validation import _num_samples, check_is_fitted, validate_data

from ._rows import take_rows
from ._validation import ask, check_n, check_oracle, check_validation_set
from .strategies._batch import TopSelection
from .strategies._lcmd import LCMDSampling, lcmd_select
from .strategies._random import RandomSampling

#: Shortlist per block, in multiples of ``n``, for strategies that choose their
#: batch jointly. Override with ``dask.config.set({"skactive.shortlist_factor": k})``.
SHORTLIST_FACTOR = 2

# Rows drawn at once while a random stream is advanced on the client.
_DRAW_BATCH = 2**20


# ------------------------------------------------------------- detection


def is_dask_collection(X):
    """Whether ``X`` is a Dask collection, without importing dask for others."""
    if "dask" not in sys.modules:
        return False
    from dask import is_dask_collection as _is_dask

    return bool(_is_dask(X))


def picks_jointly(strategy):
    """Whether ``strategy`` chooses its batch jointly (LCMD, greedy sampling).

    Read from the one declaration, :attr:`BaseStrategy.selects_batch`; a score
    strategy gives one score per row and lets a batch rule choose.
    """
    return bool(getattr(strategy, "selects_batch", False))


def _draws_from_rng(strategy):
    """Whether the strategy's scores are draws from the random state alone."""
    return isinstance(strategy, RandomSampling) and (
        type(strategy).score is RandomSampling.score
    )


def _shortlist_factor():
    import dask

    factor = dask.config.get("skactive.shortlist_factor", SHORTLIST_FACTOR)
    if (
        isinstance(factor, bool)
        or not isinstance(factor, (int, np.integer))
        or factor < 1
    ):
        raise ValueError(
            f"skactive.shortlist_factor must be an int >= 1; got {factor!r}. "
            'Set it with dask.config.set({"skactive.shortlist_factor": 4}).'
        )
    return int(factor)


# ---------------------------------------------------------------- blocks


class _Pool:
    """Row blocks of a Dask pool, in row order, as delayed objects."""

    def __init__(self, X):
        import dask.array as da
        import dask.dataframe as dd

        if isinstance(X, dd.DataFrame):
            self.kind = "frame"
            self.columns = list(X.columns)
            self.blocks = list(X.to_delayed())
            self.lengths = [np.nan] * len(self.blocks)
        elif isinstance(X, da.Array):
            if X.ndim != 2:
                raise ValueError(
                    f"Expected a 2D Dask array, got a {X.ndim}D one; reshape the "
                    "pool to (n_pool, n_features)."
                )
            if len(X.chunks[1]) > 1:
                # Whole rows in every block: the model needs every feature.
                X = X.rechunk({1: -1})
            self.kind = "array"
            self.n_features = X.shape[1]
            self.blocks = list(X.to_delayed().ravel())
            self.lengths = [float(c) for c in X.chunks[0]]
        else:
            raise TypeError(
                f"A Dask pool must be a dask.array.Array or a "
                f"dask.dataframe.DataFrame; got {type(X).__name__}. Convert it, "
                "for example with .to_dask_array() or .to_frame()."
            )

    @property
    def known(self):
        return not np.isnan(self.lengths).any()

    def learn_lengths(self, lengths):
        self.lengths = [float(n) for n in lengths]

    def fill_lengths(self):
        """Compute unknown block lengths (one pass that reads each block)."""
        if self.known:
            return
        import dask

        self.learn_lengths(_compute(*[dask.delayed(len)(b) for b in self.blocks]))

    def offsets(self):
        return np.concatenate(
            [[0], np.cumsum(np.asarray(self.lengths, dtype=np.int64))]
        )

    @property
    def n_rows(self):
        return int(sum(self.lengths)) if self.known else None


def _active_client():
    """The distributed Client that ``compute`` will use, or None."""
    if "distributed" not in sys.modules:
        return None
    from dask.base import get_scheduler
    from distributed import Client

    client = getattr(get_scheduler(), "__self__", None)
    return client if isinstance(client, Client) else None


def _compute(*tasks):
    """``dask.compute``, with one BLAS thread per task on the threaded scheduler.

    Its threads already fill the cores; BLAS threads inside each task would
    oversubscribe them (distributed workers set this limit themselves). The
    limit is set and lifted once, around the whole computation.
    """
    import dask
    from dask.base import get_scheduler
    from dask.threaded import get as threaded_get

    if get_scheduler() not in (None, threaded_get):
        return dask.compute(*tasks)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return dask.compute(*tasks)


def _shipped(obj):
    """``obj`` sent to the workers once: broadcast by a Client, else one graph key.

    A shallow copy is shipped: ``teach`` rebinds a learner's fitted attributes,
    so lazy scores computed later still come from the model that answered.
    """
    import dask

    obj = copy.copy(obj)
    client = _active_client()
    if client is not None:
        return client.scatter(obj, broadcast=True, hash=False)
    return dask.delayed(obj, name=f"skactive-{uuid.uuid4().hex}", traverse=False)


# ------------------------------------------------------------ block tasks


def _prepared(learner, block, transform, excluded):
    """The block as the learner sees it, without the excluded rows."""
    if transform is not None:
        block = transform.transform(block)
    n_rows = _num_samples(block)
    keep = np.arange(n_rows)
    if excluded is not None and len(excluded):
        keep = np.setdiff1d(keep, excluded, assume_unique=True)
        block = take_rows(block, keep)
    if keep.size:
        block = learner._validate_X(block, reset=False)
    return n_rows, keep, block


def _block_top(learner, block, k, salt, transform, excluded, rng_state):
    """Length, and the ``k`` best rows of one block: positions, scores, rows."""
    n_rows, keep, X = _prepared(learner, block, transform, excluded)
    if keep.size == 0:
        return n_rows, keep, np.empty(0), take_rows(X, keep)
    if rng_state is not None:
        rng = np.random.RandomState()
        rng.set_state(rng_state)
    else:
        rng = learner._rng(salt=salt)
    scores = np.asarray(learner.strategy_.score(learner, X, random_state=rng), float)
    ranked = np.where(np.isnan(scores), -np.inf, scores)
    local = _top(ranked, min(k, keep.size))
    return n_rows, keep[local], ranked[local], take_rows(X, local)


def _block_shortlist(learner, block, k, transform, excluded):
    """Length, and a shortlist of ``k`` rows chosen by the strategy in this block."""
    n_rows, keep, X = _prepared(learner, block, transform, excluded)
    k = min(k, keep.size)
    if k == 0:
        return n_rows, keep, np.empty(0), take_rows(X, keep)
    if k == keep.size:
        local = np.arange(k)
    elif type(learner.strategy_) is LCMDSampling:
        # The strategy's own batch, without the per-row scores query adds.
        rng = learner._rng(salt=learner.n_labeled_ + 1)
        local, _ = lcmd_select(*learner.strategy_.embed(learner, X, rng), k)
    else:
        local, _ = learner._query(X, k)
    return n_rows, keep[local], np.zeros(k), take_rows(X, local)


def _block_scores(learner, block, salt, transform, rng_state):
    n_rows, keep, X = _prepared(learner, block, transform, None)
    if n_rows == 0:
        return np.empty(0)
    if rng_state is not None:
        rng = np.random.RandomState()
        rng.set_state(rng_state)
    else:
        rng = learner._rng(salt=salt)
    return np.asarray(learner.strategy_.score(learner, X, random_state=rng), float)


def _block_rows(block, transform, local):
    if transform is not None:
        block = transform.transform(block)
    return take_rows(block, local)


def _top(ranked, k):
    """Positions of the ``k`` highest values; ties go to the lower position."""
    if k >= ranked.shape[0]:
        return np.lexsort((np.arange(ranked.shape[0]), -ranked))
    head = np.argpartition(-ranked, k - 1)[:k]
    return head[np.lexsort((head, -ranked[head]))]


# ------------------------------------------------------------- the query


def _check_features(learner, pool):
    """Feature count and names checked against the fit, before any compute."""
    if pool.kind == "frame":
        empty = pd.DataFrame(columns=pool.columns)
    else:
        empty = np.empty((0, pool.n_features))
    validate_data(learner, empty, reset=False, skip_check_array=True)


def _rng_states(rng, lengths):
    """The state of ``rng`` at the start of each block of ``lengths`` draws.

    Draws of ``RandomState.uniform`` come one after another, so block ``b``
    drawing from the state at its offset reproduces exactly the values one
    draw over the whole pool gives its rows.
    """
    states = []
    for length in lengths:
        states.append(rng.get_state())
        left = int(length)
        while left > 0:
            step = min(left, _DRAW_BATCH)
            rng.random_sample(step)
            left -= step
    return states


def _excluded_per_block(pool, taken):
    """Local positions already queried, per block (None where none)."""
    out = [None] * len(pool.blocks)
    if taken is None or taken.size == 0:
        return out
    offsets = pool.offsets()
    which = np.searchsorted(offsets, taken, side="right") - 1
    for b in np.unique(which):
        out[b] = np.sort(taken[which == b] - offsets[b])
    return out


def _candidates(learner, pool, n, transform=None, taken=None, shipped=None):
    """Merged candidates of every block: global positions, scores, rows.

    Returns the pool's rows at the chosen positions too, so ``learn`` never
    reads the pool again to teach them.
    """
    from dask import delayed

    strategy = learner.strategy_
    rule = learner.batch_selection_
    salt = learner.n_labeled_ + 1
    excluded = _excluded_per_block(pool, taken)
    shipped = _shipped(learner) if shipped is None else shipped
    tr = _shipped(transform) if transform is not None else None
    # A batch strategy, or a score strategy under a rule other than top-n (the
    # diverse rule draws over the whole pool), shortlists per block: each block
    # runs the learner's own query, then the rule runs over the shortlists.
    jointly = picks_jointly(strategy) or type(rule) is not TopSelection
    exact_top = not jointly
    if jointly:
        # A single block needs no second pass: its own choice is the answer.
        k = n if len(pool.blocks) == 1 else _shortlist_factor() * n
    else:
        k = n
    states = [None] * len(pool.blocks)
    if not jointly and _draws_from_rng(strategy):
        pool.fill_lengths()
        available = np.asarray(pool.lengths) - [
            0 if e is None else len(e) for e in excluded
        ]
        states = _rng_states(learner._rng(salt=salt), available)
    tasks = []
    for b, block in enumerate(pool.blocks):
        if jointly:
            task = delayed(_block_shortlist, pure=False)(
                shipped, block, k, tr, excluded[b]
            )
        else:
            task = delayed(_block_top, pure=False)(
                shipped, block, k, salt, tr, excluded[b], states[b]
            )
        tasks.append(task)
    results = _compute(*tasks)
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
    from ._rows import concat_rows

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
        local, _ = learner._query(rows, n)
        order = np.asarray(local, dtype=np.intp)
    return positions[order], take_rows(rows, order)


def _check_size(n, n_pool, name):
    return check_n(n, np.inf if n_pool is None else n_pool, name=name)


def lazy_scores(learner, pool, transform=None, shipped=None):
    """Every row's score as a lazy 1-d Dask array, in the pool's row order."""
    import dask.array as da
    from dask import delayed

    salt = learner.n_labeled_ + 1
    shipped = _shipped(learner) if shipped is None else shipped
    tr = _shipped(transform) if transform is not None else None
    states = [None] * len(pool.blocks)
    if _draws_from_rng(learner.strategy_):
        pool.fill_lengths()
        states = _rng_states(learner._rng(salt=salt), pool.lengths)
    parts = [
        da.from_delayed(
            delayed(_block_scores, pure=False)(shipped, block, salt, tr, states[b]),
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
    pool = _Pool(X_pool)
    if transform is None:
        _check_features(learner, pool)
    n = _check_size(n, pool.n_rows, "n")
    shipped = _shipped(learner)
    positions, scores, rows, how = _candidates(
        learner, pool, n, transform, shipped=shipped
    )
    n = _check_size(n, pool.n_rows, "n")
    positions, _ = _choose(learner, n, positions, scores, rows, how)
    positions = positions.astype(np.int64)
    if return_scores:
        return positions, lazy_scores(learner, pool, transform, shipped=shipped)
    return positions


# ------------------------------------------------------------- the loop


def dask_learn(
    learner,
    X_pool,
    oracle,
    *,
    n_queries,
    batch_size=None,
    X_val=None,
    y_val=None,
    verbose=False,
    stopping=None,
):
    """:meth:`ActiveLearningRegressor.learn` on a Dask pool.

    Each round scores the rows not yet queried block by block; the chosen
    rows come back with the candidates, so the pool is never read into the
    client. An array oracle is read only at the queried positions.
    """
    check_is_fitted(learner)
    if stopping is not None:
        raise ValueError(
            "Stopping criteria read the pool between rounds and are not "
            "available for a Dask pool; pass stopping=None, or a pool in memory."
        )
    pool = _Pool(X_pool)
    _check_features(learner, pool)
    n_queries = _check_size(n_queries, pool.n_rows, "n_queries")
    batch_size = learner.batch_size if batch_size is None else batch_size
    batch_size = _check_size(batch_size, None, "batch_size")
    X_val, y_val = check_validation_set(learner, X_val, y_val)
    lazy_oracle = is_dask_collection(oracle)
    if pool.known:
        _check_oracle_length(oracle, pool.n_rows, lazy_oracle, check_oracle)
    taken = np.empty(0, dtype=np.int64)
    bought = 0
    while bought < n_queries:
        k = min(batch_size, n_queries - bought)
        known = pool.known
        positions, scores, rows, how = _candidates(learner, pool, k, taken=taken)
        if not known:
            n_queries = _check_size(n_queries, pool.n_rows, "n_queries")
            _check_oracle_length(oracle, pool.n_rows, lazy_oracle, check_oracle)
        positions, rows = _choose(learner, k, positions, scores, rows, how)
        if lazy_oracle:
            answers = ask(_read_at(oracle, positions), rows, np.arange(k))
        else:
            answers = ask(oracle, rows, positions)
        learner._teach_round(positions, rows, answers, {}, X_val, y_val, verbose)
        taken = np.union1d(taken, positions)
        bought += k
    return learner


def _check_oracle_length(oracle, n_pool, lazy, check):
    if not lazy:
        check(oracle, n_pool)
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


def dask_decide(selector, learner, X):
    """:meth:`StreamSelector.decide` on a Dask collection of arriving rows.

    Blocks are scored where they live; their scores come back in arrival
    order and run through the selector's recurrence, so the answer is the one
    deciding the rows in memory would give. The answer has one bool per row.
    """
    import dask

    pool = _Pool(X)
    _check_features(learner, pool)
    strategy = learner.strategy_
    rng = selector._score_rng
    if _draws_from_rng(strategy):
        pool.fill_lengths()
        states = _rng_states(rng, pool.lengths)
        end = None
    else:
        # Every built-in strategy draws the same amount from its random state
        # whatever the number of rows (a projection, or nothing): each block
        # starts from the current state, and the stream continues from where
        # one block left it.
        states = [rng.get_state()] * len(pool.blocks)
        end = _state_after(strategy, learner, states[0])
    shipped = _shipped(learner)
    tasks = [
        dask.delayed(_block_scores, pure=False)(shipped, block, 0, None, states[b])
        for b, block in enumerate(pool.blocks)
    ]
    raw = np.concatenate([np.asarray(s, float) for s in _compute(*tasks)] or [[]])
    if end is not None:
        rng.set_state(end)
    return selector._select(raw)


def _state_after(strategy, learner, state):
    """The random state after the strategy scores one row (no pool needed)."""
    rng = np.random.RandomState()
    rng.set_state(state)
    X = learner.X_labeled_
    strategy.score(learner, take_rows(X, [0]), random_state=rng)
    return rng.get_state()
