"""Diverse batches: LCMD in a kernel scaled by the score."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval

from .._geometry import as_model_matrix, feature_scales, lcmd, scaled_rows, top_n


class DiverseSelection(BaseEstimator):
    r"""A batch that covers the pool where the scores are high, never a row twice.

    Largest-cluster maximum-distance selection (LCMD, Holzmüller et al.
    2023) in the model's input space, with the squared distances scaled by
    the score, as their posterior-scaled kernel does:

    1. the labeled rows and the rows picked so far are *centres*; every pool
       row belongs to its nearest centre;
    2. a row's *mass* is :math:`s(x)^a\, d^2(x, \text{its centre})`, where
       :math:`s` is the strategy's score (shifted to be non-negative and
       divided by its mean) and :math:`a` is ``score_power``;
    3. the next pick is, within the cluster of the largest total mass, the
       row of the largest mass; it becomes a centre.

    A cluster's mass grows with the number of rows it holds, their scores
    and their distance to what is labeled, so a batch goes where many
    uncertain rows are poorly covered, not to the few most uncertain
    outliers that top-``n`` keeps buying. A row at distance at most
    ``duplicate_tol`` from a centre has no mass, so the batch never holds
    two identical rows (nor copies of labeled rows) while other rows
    remain; once no row has mass left, picks continue farthest-first from
    the centres.

    Distances are Euclidean in the model's own input space (after a
    Pipeline's transforms), each feature divided by its standard deviation
    over the pool and the labeled rows. Cost: O(N d) per pick, O(N) memory
    (plus the scaled pool); a sparse pool stays sparse.

    This is the default batch rule of the uncertainty, committee and
    expected-model-change scores (``batch_selection=None``): with top-``n``
    they lose to random sampling on most data sets of
    ``benchmarks/label_efficiency.py``; see the user guide for the measured
    ratios. ``"top"`` stays available.

    Parameters
    ----------
    score_power : float, default=1.0
        Exponent :math:`a` of the score in the mass. 0 ignores the scores
        (LCMD on the inputs alone); larger values follow the scores more.
    duplicate_tol : float, default=1e-6
        Rows at most this far (in standardized units) from a centre count
        as duplicates of it.

    References
    ----------
    .. [1] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A
       Framework and Benchmark for Deep Batch Active Learning for
       Regression", Journal of Machine Learning Research 24(164), 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import DiverseSelection
    >>> X = np.array([[0.0], [0.0], [0.0], [4.0], [10.0]])
    >>> scores = np.array([1.0, 1.0, 1.0, 0.5, 0.5])
    >>> sorted(DiverseSelection().select(scores, 3, X_model=X).tolist())
    [0, 3, 4]
    """

    #: The learner passes the pool and the labeled rows in model space.
    needs_model_space = True

    _parameter_constraints = {
        "score_power": [Interval(Real, 0, None, closed="left")],
        "duplicate_tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, score_power=1.0, duplicate_tol=1e-6):
        self.score_power = score_power
        self.duplicate_tol = duplicate_tol

    def select(self, scores, n, X_model=None, X_labeled=None, random_state=None):
        """Positions of a diverse batch of ``n`` rows, in the order picked.

        Parameters
        ----------
        scores : ndarray of shape (n_pool,)
            One score per pool row; higher is better. Non-finite scores
            count as the lowest.
        n : int
            Batch size.
        X_model : array-like or sparse matrix of shape (n_pool, n_model_features)
            The pool in the model's input space.
        X_labeled : array-like or sparse matrix of shape (n_labeled, n_model_features)
            The labeled rows in the model's input space; None for none.
        random_state : None
            Unused; the rule is deterministic.

        Returns
        -------
        positions : ndarray of shape (n,)
        """
        self._validate_params()
        if X_model is None:
            raise ValueError(
                "DiverseSelection needs the pool in model space (X_model) to "
                "measure distances; pass X_model."
            )
        scores = np.asarray(scores, dtype=float)
        pool = as_model_matrix(X_model)
        n_pool = scores.shape[0]
        if pool.shape[0] != n_pool:
            raise ValueError(
                f"X_model has {pool.shape[0]} rows but there are {n_pool} "
                "scores; pass one row per score."
            )
        if n >= n_pool:
            return top_n(scores, n_pool)
        blocks = [pool]
        if X_labeled is not None:
            blocks.append(as_model_matrix(X_labeled))
        weights = 1.0 / feature_scales(*blocks)
        if hasattr(pool, "tocsr"):
            F = pool.multiply(weights[None, :]).tocsr()  # stays sparse
        else:
            F = pool * weights
        C = (
            scaled_rows(blocks[1], weights)
            if len(blocks) > 1
            else np.empty((0, pool.shape[1]))
        )
        weight = self._row_weight(scores)
        return lcmd(F, C, n, row_weight=weight, tol=self.duplicate_tol)

    def _row_weight(self, scores):
        s = np.where(np.isfinite(scores), scores, np.nan)
        if np.isnan(s).all():
            return np.ones_like(scores)
        s = s - min(0.0, np.nanmin(s))
        s = np.nan_to_num(s, nan=0.0)
        mean = s.mean()
        if mean <= 0:
            return np.ones_like(scores)
        return (s / mean) ** self.score_power
