"""Dask pools, block by block: detection, row blocks, computing and shipping,
and the tasks that score one block where it lives.

dask is an optional dependency: nothing here imports it unless a pool is
already a dask collection, so ``import skactive`` never imports dask.
"""

import copy
import sys
import uuid

import numpy as np
import pandas as pd
from sklearn.utils.validation import _num_samples, validate_data

from ._querying import query_rows
from ._rows import take_rows
from ._seeding import learner_rng
from ._validation import validate_X
from .strategies._lcmd import LCMDSampling
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


def draws_from_rng(strategy):
    """Whether the strategy's scores are draws from the random state alone."""
    return isinstance(strategy, RandomSampling) and (
        type(strategy).score is RandomSampling.score
    )


def shortlist_factor():
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


class Pool:
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

        self.learn_lengths(compute(*[dask.delayed(len)(b) for b in self.blocks]))

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


def compute(*tasks):
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


def ship(obj):
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
        block = validate_X(learner, block, reset=False)
    return n_rows, keep, block


def block_top(learner, block, k, salt, transform, excluded, rng_state):
    """Length, and the ``k`` best rows of one block: positions, scores, rows."""
    n_rows, keep, X = _prepared(learner, block, transform, excluded)
    if keep.size == 0:
        return n_rows, keep, np.empty(0), take_rows(X, keep)
    scores = _scores(learner, X, salt, rng_state)
    ranked = np.where(np.isnan(scores), -np.inf, scores)
    local = _top(ranked, min(k, keep.size))
    return n_rows, keep[local], ranked[local], take_rows(X, local)


def block_shortlist(learner, block, k, transform, excluded):
    """Length, and a shortlist of ``k`` rows chosen by the strategy in this block."""
    n_rows, keep, X = _prepared(learner, block, transform, excluded)
    k = min(k, keep.size)
    if k == 0:
        return n_rows, keep, np.empty(0), take_rows(X, keep)
    if k == keep.size:
        local = np.arange(k)
    elif type(learner.strategy_) is LCMDSampling:
        # The strategy's own batch, without the per-row scores query adds.
        rng = learner_rng(learner, salt=learner.n_labeled_ + 1)
        local = learner.strategy_.pick_batch(learner, X, k, random_state=rng)
    else:
        local, _ = query_rows(learner, X, k)
    return n_rows, keep[local], np.zeros(k), take_rows(X, local)


def block_scores(learner, block, salt, transform, rng_state):
    n_rows, keep, X = _prepared(learner, block, transform, None)
    if n_rows == 0:
        return np.empty(0)
    return _scores(learner, X, salt, rng_state)


def _scores(learner, X, salt, rng_state):
    """The strategy's scores of validated rows, drawing from ``rng_state``
    (a RandomState state) if given, else from the learner's salted stream."""
    if rng_state is not None:
        rng = np.random.RandomState()
        rng.set_state(rng_state)
    else:
        rng = learner_rng(learner, salt=salt)
    return np.asarray(learner.strategy_.score(learner, X, random_state=rng), float)


def _top(ranked, k):
    """Positions of the ``k`` highest values; ties go to the lower position."""
    if k >= ranked.shape[0]:
        return np.lexsort((np.arange(ranked.shape[0]), -ranked))
    head = np.argpartition(-ranked, k - 1)[:k]
    return head[np.lexsort((head, -ranked[head]))]


# ------------------------------------------------------------- the query


def check_features(learner, pool):
    """Feature count and names checked against the fit, before any compute."""
    if pool.kind == "frame":
        empty = pd.DataFrame(columns=pool.columns)
    else:
        empty = np.empty((0, pool.n_features))
    validate_data(learner, empty, reset=False, skip_check_array=True)


def rng_states(rng, lengths):
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


def excluded_per_block(pool, taken):
    """Local positions already queried, per block (None where none)."""
    out = [None] * len(pool.blocks)
    if taken is None or taken.size == 0:
        return out
    offsets = pool.offsets()
    which = np.searchsorted(offsets, taken, side="right") - 1
    for b in np.unique(which):
        out[b] = np.sort(taken[which == b] - offsets[b])
    return out
