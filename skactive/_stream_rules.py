"""Selection rules of :class:`~skactive.StreamSelector` beyond the threshold.

The threshold rule (Žliobaitė et al., 2014) decides each arriving row alone,
by comparing its score with an adaptive threshold. When rows arrive in
chunks, a chunk is a small pool: the learner's own pool-based rule (LCMD's
batch for the default strategy, Holzmüller et al., 2023) can pick the chunk's
share of the budget jointly, so the picks are spread over the dense,
poorly covered parts of the chunk instead of its fringe. This is the
batch-wise stream setting of Cacciarelli and Kulahci's survey (2024): the
decision waits for a chunk, then buys a fixed number of its rows.

Rows decided alone keep the threshold recurrence, with the threshold
multiplied by a random draw per row (the randomisation of the "randomized
variable uncertainty" rule of [1]_, here exponential): a row is then bought
with a probability that grows with its score instead of only above a cut, so
the budget is not all spent on the fringe of the stream.

References
----------
.. [1] I. Žliobaitė, A. Bifet, B. Pfahringer and G. Holmes, "Active learning
   with drifting streaming data", IEEE Transactions on Neural Networks and
   Learning Systems 25(1):27-39, 2014.
.. [2] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A Framework
   and Benchmark for Deep Batch Active Learning for Regression", Journal of
   Machine Learning Research 24(164), 2023.
.. [3] D. Cacciarelli and M. Kulahci, "Active learning for data streams: a
   survey", Machine Learning 113:185-239, 2024.
"""

import numpy as np

from ._querying import query_rows
from ._rows import take_rows
from .strategies._lcmd import without_auto_error_weight


def chunk_quota(budget, n_seen, n_selected, n_rows):
    """Rows a chunk may buy so the spent fraction tracks the budget.

    The quota is the deficit ``round(budget * (n_seen + n_rows)) -
    n_selected`` after the chunk, clipped to ``[0, n_rows]``: the fraction
    bought over any run of chunks differs from ``budget`` by at most half a
    row over the rows seen, plus what earlier threshold decisions spent
    ahead.

    Parameters
    ----------
    budget : float
        Fraction of the rows to buy, in (0, 1].
    n_seen : int
        Rows decided before this chunk.
    n_selected : int
        Rows bought before this chunk.
    n_rows : int
        Rows in this chunk.

    Returns
    -------
    quota : int
    """
    target = int(np.floor(budget * (n_seen + n_rows) + 0.5))
    return int(min(max(target - n_selected, 0), n_rows))


def uses_chunk_rule(rule, budget, n_rows):
    """Whether a chunk of ``n_rows`` is decided jointly under ``rule``.

    ``"threshold"`` never does; ``"chunk"`` does for chunks whose expected
    share of the budget, ``budget * n_rows``, is at least one row (smaller
    calls, one row at a time for instance, are decided row by row by the
    sampled threshold, which needs no other rows).

    Parameters
    ----------
    rule : {"threshold", "chunk", "sample"}
    budget : float
    n_rows : int

    Returns
    -------
    bool
    """
    return rule == "chunk" and budget < 1 and budget * n_rows >= 1


def chunk_select(learner, X, quota, forced):
    """Buy ``quota`` rows of a chunk: the ``forced`` ones, then the learner's picks.

    The rows in ``forced`` (the random share) are bought first; the rest of
    the quota goes to the rows the learner's own :meth:`query` picks among
    the other rows of the chunk, so the chunk is treated as a small pool and
    the learner's batch rule keeps the picks apart. LCMD keeps its own
    masses here unless ``error_weighting=True`` (its ``"auto"`` weighs
    pools only): on the streams of ``benchmarks/stream.py`` the weight made
    the default worse over the stream on 4 of 5 runs.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        Fitted learner.
    X : array-like of shape (n_rows, n_features)
        The chunk, validated.
    quota : int
        Rows to buy in all.
    forced : ndarray of bool, shape (n_rows,)
        Rows bought at random whatever the learner's picks.

    Returns
    -------
    selected : ndarray of bool, shape (n_rows,)
    """
    selected = np.asarray(forced, dtype=bool).copy()
    free = np.flatnonzero(~selected)
    n_pick = min(quota - int(selected.sum()), free.shape[0])
    if n_pick > 0:
        picks, _ = query_rows(
            learner,
            take_rows(X, free),
            n_pick,
            strategy=without_auto_error_weight(learner.strategy_),
        )
        selected[free[picks]] = True
    return selected


def threshold_jitter(rule, rng, n_rows):
    """Random factors on the threshold, one per row, for the sampled rules.

    Under ``"sample"`` (and ``"chunk"`` on calls too small for a joint
    decision) a row is bought when its normalised score exceeds the
    threshold times a standard exponential draw, so it is bought with
    probability ``1 - exp(-score / threshold)``: about proportional to its
    score while that is small against the threshold. This is the stochastic
    acquisition of Kirsch et al. (2023), and with LCMD's score (the squared
    distance to the nearest labeled row) the D² sampling of k-means++
    (Arthur and Vassilvitskii, 2007): a region is bought in proportion to how
    many rows arrive there times how poorly it is covered, so dense regions
    are not starved for the fringe. The threshold recurrence still holds the
    budget, and each row's decision depends on its own score and draw alone.

    Parameters
    ----------
    rule : {"threshold", "chunk", "sample"}
    rng : RandomState instance
    n_rows : int

    Returns
    -------
    jitter : ndarray of shape (n_rows,) or None
        None for ``"threshold"`` (a plain threshold).

    References
    ----------
    .. [1] A. Kirsch, S. Farquhar, P. Atighehchian, A. Jesson,
       F. Branchaud-Charron and Y. Gal, "Stochastic Batch Acquisition: A
       Simple Baseline for Deep Active Learning", Transactions on Machine
       Learning Research, 2023.
    .. [2] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of
       careful seeding", SODA 2007.
    """
    if rule == "threshold":
        return None
    return rng.standard_exponential(n_rows)


def start_threshold(rule, budget, plain_start):
    """First threshold on the normalised score.

    Parameters
    ----------
    rule : {"threshold", "chunk", "sample"}
    budget : float
    plain_start : float
        The plain rule's start.

    Returns
    -------
    threshold : float
        ``plain_start`` for ``"threshold"``; ``1 / budget`` for the sampled
        rules, where a row of average score is then bought with probability
        about ``budget``; 0 when every row is bought.
    """
    if budget >= 1:
        return 0.0
    return plain_start if rule == "threshold" else 1.0 / budget


def threshold_pass(raw, forced, scale, threshold, count, window, up, down, jitter=None):
    """The selection recurrence over one chunk of scores, in arrival order."""
    selected = np.empty(raw.shape[0], dtype=bool)
    raw_list, forced_list = raw.tolist(), forced.tolist()
    factors = [1.0] * len(raw_list) if jitter is None else jitter.tolist()
    floor_rate = 1.0 / window
    for i, r in enumerate(raw_list):
        count += 1
        rate = 1.0 / count
        scale += (rate if rate > floor_rate else floor_rate) * (r - scale)
        buy = forced_list[i] or r > threshold * scale * factors[i]
        threshold *= up if buy else down
        selected[i] = buy
    return selected, (scale, threshold)
