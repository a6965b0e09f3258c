"""Greedy sampling (GSx, GSy, iGS): distance to the labeled set, updated per pick."""

import numpy as np
from sklearn.utils import gen_batches
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _num_samples

from .. import _geometry
from .._geometry import (
    as_model_matrix,
    feature_scales,
    largest,
    min_abs_differences,
    min_sq_distances,
    scaled_rows,
    sq_distances_to_row,
    sq_row_norms,
)
from .._members import chunk_slices, member_predictions
from .._rows import take_rows
from ._base import BaseStrategy

# Rows kept as candidates between full passes over the pool in greedy picks.
_SHORTLIST = 4096
# Rows brought up to date at once in a lazy greedy step, at first.
_FIRST_BLOCK = 64


def mean_prediction(learner, X):
    """The learner's prediction for ``X`` (committee mean, or the model), in chunks."""
    n = _num_samples(X)
    parts = []
    for s in chunk_slices(n, 1):
        chunk = take_rows(X, np.arange(s.start, s.stop))
        if learner.estimator_ is None:  # the committee predicts
            parts.append(member_predictions(learner, chunk).mean(axis=1))
        else:
            parts.append(np.asarray(learner.estimator_.predict(chunk), dtype=float))
    return np.concatenate(parts) if parts else np.empty(0)


def _sq_diff(a, b):
    diff = np.subtract.outer(a, b)
    diff *= diff
    return diff


def _as_distance(kind, state):
    """Scores from the running state (a square root for gsx and igs)."""
    if kind == "gsy":
        return state
    return np.sqrt(np.maximum(state, 0.0))


class GreedySampling(BaseStrategy):
    """Greedy sampling: the pool row farthest from the labeled set, one at a time.

    After Wu, Lin & Huang (2019), with ``kind``:

    - ``"gsx"``: ``min_m ||x - x_m||``, the distance to the nearest labeled
      row in input space (Yu & Kim 2010);
    - ``"gsy"``: ``min_m |f(x) - y_m|``, the distance of the prediction to
      the nearest labeled target;
    - ``"igs"``: ``min_m ||x - x_m|| * |f(x) - y_m|``, both at once.

    A batch is built greedily: after each pick the chosen row joins the
    reference set (with its prediction ``f(x)`` standing in for its unknown
    target) and the pool rows' running minima take that row into account.
    For ``"gsx"`` the minima are updated lazily (as in lazy greedy
    k-center; ``"gsy"`` and ``"igs"`` update every row per pick, one pass
    over the pool, because a new member's prediction lowers minima all
    over the pool and bounds stay loose): a stored
    minimum can only fall, so it bounds the exact value from above, and only
    the rows whose bound could still beat the best exact value are brought
    up to date, best bounds first, in small blocks. The pick is exactly the
    one the plain greedy loop makes (ties aside), at a cost per pick of a
    partial sort of a shortlist instead of distances to the whole pool.
    Memory is O(N) (the minima and a counter per row); the first minimum
    over the labeled rows is computed in blocks, never as an
    N × n_labeled matrix, and a sparse pool is never densified whole.

    Distances are taken in the model's own input space (after a Pipeline's
    transforms). With ``standardize=True`` every feature is divided by its
    standard deviation over the labeled rows and the pool together, so no
    feature dominates by its unit alone.

    A batch strategy (``selects_batch = True``): the greedy update is its own
    batch rule, so the learner's ``batch_selection`` must stay None. The
    scores returned alongside a query are the distances before the first
    pick.

    Parameters
    ----------
    kind : {"gsx", "gsy", "igs"}, default="igs"
        Which distance.
    standardize : bool, default=True
        Scale features to unit variance (labeled + pool) before distances.

    References
    ----------
    .. [1] D. Wu, C.-T. Lin and J. Huang, "Active learning for regression
       using greedy sampling", Information Sciences 474:90-105, 2019.
    .. [2] H. Yu and S. Kim, "Passive sampling for regression", IEEE ICDM 2010.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.linear_model import Ridge
    >>> from skactive import ActiveLearningRegressor
    >>> from skactive.strategies import GreedySampling
    >>> X, y = make_friedman1(n_samples=60, random_state=0)
    >>> alr = ActiveLearningRegressor(Ridge(), strategy=GreedySampling(kind="gsx"))
    >>> alr.fit(X[:20], y[:20]).query(X[20:], n=3).shape
    (3,)
    """

    _parameter_constraints = {
        "kind": [StrOptions({"gsx", "gsy", "igs"})],
        "standardize": ["boolean"],
    }

    selects_batch = True

    def __init__(self, kind="igs", standardize=True):
        self.kind = kind
        self.standardize = standardize

    def bootstrap_members_needed(self, estimator, committee):
        self._validate_params()
        return 0

    def _prepare(self, learner, X_pool, X_model=None):
        """Model-space pool, weights, predictions and first minima."""
        self._validate_params()
        pool, labeled, weights, pred = None, None, None, None
        if self.kind in ("gsx", "igs"):
            if X_model is None:
                X_model = learner.model_space(X_pool)
            pool = as_model_matrix(X_model)
            labeled = as_model_matrix(learner.model_space(learner.X_labeled_))
            if self.standardize:
                weights = 1.0 / feature_scales(labeled, pool)
            else:
                weights = np.ones(pool.shape[1])
        if self.kind in ("gsy", "igs"):
            pred = mean_prediction(learner, X_pool)
        y_lab = np.asarray(learner.y_labeled_, dtype=float)
        # Running state: squared distances for gsx and igs (the ranking is the
        # same, and no square root is taken per pick), plain ones for gsy.
        if self.kind == "gsx":
            current = min_sq_distances(pool, labeled, weights)
        elif self.kind == "gsy":
            current = min_abs_differences(pred, y_lab)
        else:
            current = min_sq_distances(
                pool,
                labeled,
                weights,
                pair_factor=lambda rows, cols: _sq_diff(pred[rows], y_lab[cols]),
            )
        return pool, weights, pred, current

    def score(self, learner, X_pool, random_state=None):
        """Distance of each pool row to the labeled set (higher: farther).

        Parameters
        ----------
        learner : ActiveLearningRegressor
            Fitted learner.
        X_pool : array-like of shape (n_pool, n_features)
        random_state : None
            Unused; greedy sampling is deterministic.

        Returns
        -------
        scores : ndarray of shape (n_pool,)
        """
        return _as_distance(self.kind, self._prepare(learner, X_pool)[3])

    def select_batch(self, learner, X_pool, n, *, X_model=None, random_state=None):
        """Pick ``n`` rows greedily, updating the running minima after each pick.

        Parameters
        ----------
        learner : ActiveLearningRegressor
            Fitted learner.
        X_pool : array-like of shape (n_pool, n_features)
        n : int
            Batch size.
        X_model : array-like of shape (n_pool, n_model_features), default=None
            ``learner.model_space(X_pool)``, when the caller has it already.
        random_state : None
            Unused; ties go to the lowest position.

        Returns
        -------
        positions : ndarray of shape (n,)
            In the order picked.
        scores : ndarray of shape (n_pool,)
            Distances before the first pick.
        """
        pool, weights, pred, current = self._prepare(learner, X_pool, X_model)
        scores = _as_distance(self.kind, current.copy())
        n_pool = current.shape[0]
        positions = np.empty(n, dtype=np.intp)
        # upto[i]: how many batch members row i's running minimum accounts for.
        upto = np.zeros(n_pool, dtype=np.intp)
        size = min(n_pool, max(_SHORTLIST, 2 * n))
        shortlist, outside = None, -np.inf
        # Lazy bounds pay off for gsx (distances only grow apart); for gsy and
        # igs a new member's prediction lowers the minima of rows all over the
        # pool, so the plain update of every row per pick is faster there.
        eager = self.kind != "gsx"
        sq_norms = sq_row_norms(pool, weights) if eager and pool is not None else None
        everyone = np.arange(n_pool)
        for j in range(n):
            if j:
                current[positions[j - 1]] = -np.inf
            if eager and j == 0:
                positions[j] = int(np.argmax(current))
                continue
            if eager:
                positions[j] = self._eager_pick(
                    current, positions, j, pool, weights, pred, sq_norms
                )
                continue
            while True:
                if shortlist is None:
                    shortlist, outside = largest(current, size)
                best = self._best_in(
                    shortlist, current, upto, positions, j, pool, weights, pred
                )
                if current[best] >= outside:
                    break
                # Every row of the shortlist fell below a row outside it: widen,
                # or, once bounds prove loose for much of the pool, update
                # every row at each pick (the plain greedy loop).
                size = min(n_pool, 4 * size)
                shortlist = None
                if size > n_pool // 4:
                    eager = True
                    stale = everyone[upto < j]
                    self._catch_up(
                        stale, current, upto, positions, j, pool, weights, pred
                    )
                    if pool is not None:
                        sq_norms = sq_row_norms(pool, weights)
                    best = int(np.argmax(current))
                    break
            positions[j] = best
        return positions, scores

    def _eager_pick(self, current, positions, j, pool, weights, pred, sq_norms):
        """Update every row with the last member (one pass over the pool), pick."""
        last = positions[j - 1]
        if self.kind == "gsy":
            update = np.abs(pred - pred[last])
        else:
            z = scaled_rows(pool[last : last + 1], np.ones_like(weights)).ravel()
            update = sq_distances_to_row(pool, sq_norms, z, weights)
            if self.kind == "igs":
                diff = pred - pred[last]
                diff *= diff
                update *= diff
        np.minimum(current, update, out=current)
        current[positions[:j]] = -np.inf
        return int(np.argmax(current))

    def _best_in(self, rows, current, upto, positions, j, pool, weights, pred):
        """The row of ``rows`` with the largest exact running minimum.

        Lazy greedy: a row's stored minimum is an upper bound of its exact
        value (minima only fall as members join the batch), so only the
        rows whose bound beats the best exact value found so far are brought
        up to date, in blocks, best bounds first.
        """
        block = min(rows.size, _FIRST_BLOCK)
        while True:
            top, threshold = largest(current[rows], block)
            top = rows[top]
            stale = top[upto[top] < j]
            if stale.size:
                self._catch_up(stale, current, upto, positions, j, pool, weights, pred)
            values = current[top]
            best_value = values.max()
            if best_value >= threshold:
                return int(top[values == best_value].min())
            block = min(rows.size, 4 * block)

    def _catch_up(self, rows, current, upto, positions, j, pool, weights, pred):
        """Update the running minima of ``rows`` with the members they miss."""
        picks = positions[upto[rows].min() : j]
        width = pool.shape[1] if pool is not None else 1
        per_block = max(1, _geometry.BLOCK_ENTRIES // max(picks.size, width))
        for part in gen_batches(rows.size, per_block):
            sub = rows[part]
            if self.kind == "gsy":
                values = min_abs_differences(pred[sub], pred[picks])
            else:
                factor = None
                if self.kind == "igs":

                    def factor(r, c, sub=sub):
                        return _sq_diff(pred[sub][r], pred[picks][c])

                values = min_sq_distances(
                    pool[sub], pool[picks], weights, pair_factor=factor
                )
            np.minimum(current[sub], values, out=values)
            current[sub] = values
        upto[rows] = j
