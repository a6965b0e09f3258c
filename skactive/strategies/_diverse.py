"""Diverse batches: k-means++ or LCMD picks weighted by the score."""

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions

from .._geometry import (
    as_model_matrix,
    feature_scales,
    kmeanspp,
    lcmd,
    scaled_rows,
    top_n,
)


class DiverseSelection(BaseEstimator):
    r"""A batch that covers the pool where the scores are high, never a row twice.

    The labeled rows and the rows picked so far are *centres*. Every pool
    row carries the *mass* :math:`s(x)^a\, d^2(x)`, where :math:`d(x)` is
    its distance to the nearest centre and :math:`s` the strategy's score
    (shifted to be non-negative and divided by its mean; :math:`a` is
    ``score_power``). Then, one pick at a time (``method``):

    - ``"kmeans++"`` (the default): draw the next row with probability
      proportional to its mass -- k-means++ seeding (Arthur & Vassilvitskii
      2007) weighted by the score, as BADGE samples gradient embeddings
      (Ash et al. 2020);
    - ``"lcmd"``: within the cluster (rows sharing a nearest centre) of the
      largest total mass, take the row of the largest mass --
      largest-cluster maximum-distance selection (Holzmüller et al. 2023)
      in the kernel scaled by the score, their posterior-scaled kernel.

    Either way a batch goes where many uncertain rows are poorly covered,
    and draws in proportion to how many there are, instead of buying the
    few most uncertain outliers that top-``n`` keeps buying. A row at most
    ``duplicate_tol`` from a centre has no mass, so the batch never holds
    two identical rows (nor copies of labeled rows) while other rows
    remain; once no row has mass left, picks continue farthest-first from
    the batch.

    Distances are Euclidean in the model's own input space (after a
    Pipeline's transforms), each feature divided by its standard deviation
    over the pool and the labeled rows. Cost: O(N d) per pick and O(N)
    memory beyond the scaled pool; a sparse pool stays sparse.

    This is the default batch rule of the uncertainty, committee and
    expected-model-change scores (``batch_selection=None``): with top-``n``
    they lose to random sampling on most data sets of
    ``benchmarks/label_efficiency.py``, with this rule they do not (see the
    user guide, "Batches", for the measured ratios). ``"top"`` stays
    available.

    Parameters
    ----------
    method : {"kmeans++", "lcmd"}, default="kmeans++"
        How the next row is chosen from the masses.
    score_power : float, default=1.0
        Exponent :math:`a` of the score in the mass. 0 ignores the scores
        (coverage of the inputs alone); larger values follow the scores more.
    duplicate_tol : float, default=1e-6
        Rows at most this far (in standardized units) from a centre count
        as duplicates of it.

    References
    ----------
    .. [1] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of
       careful seeding", SODA 2007.
    .. [2] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford and A. Agarwal,
       "Deep Batch Active Learning by Diverse, Uncertain Gradient Lower
       Bounds", ICLR 2020.
    .. [3] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A
       Framework and Benchmark for Deep Batch Active Learning for
       Regression", Journal of Machine Learning Research 24(164), 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import DiverseSelection
    >>> X = np.array([[0.0], [0.0], [0.0], [4.0], [10.0]])
    >>> scores = np.array([1.0, 1.0, 1.0, 0.5, 0.5])
    >>> rule = DiverseSelection(method="lcmd")
    >>> sorted(rule.select(scores, 3, X_model=X).tolist())
    [0, 3, 4]
    >>> batch = DiverseSelection().select(scores, 3, X_model=X, random_state=0)
    >>> len(np.unique(X[batch]))
    3
    """

    #: The learner passes the pool and the labeled rows in model space.
    needs_model_space = True

    _parameter_constraints = {
        "method": [StrOptions({"kmeans++", "lcmd"})],
        "score_power": [Interval(Real, 0, None, closed="left")],
        "duplicate_tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, method="kmeans++", score_power=1.0, duplicate_tol=1e-6):
        self.method = method
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
        random_state : int, RandomState instance or None, default=None
            Draws of ``method="kmeans++"`` (the learner passes its own);
            ``"lcmd"`` is deterministic.

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
        blocks = [X_model] if X_labeled is None else [X_model, X_labeled]
        blocks = [as_model_matrix(b) for b in _filled(*blocks)]
        pool = blocks[0]
        n_pool = scores.shape[0]
        if pool.shape[0] != n_pool:
            raise ValueError(
                f"X_model has {pool.shape[0]} rows but there are {n_pool} "
                "scores; pass one row per score."
            )
        if n >= n_pool:
            return top_n(scores, n_pool)
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
        if self.method == "lcmd":
            return lcmd(F, C, n, row_weight=weight, tol=self.duplicate_tol)
        return kmeanspp(
            F,
            C,
            n,
            row_weight=weight,
            tol=self.duplicate_tol,
            random_state=random_state,
        )

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


def _filled(*blocks):
    """The blocks with each missing value replaced by its column's mean.

    Models that take NaN (histogram gradient boosting) pass it through to
    the model space; a missing input then sits at the centre of its column
    instead of breaking the distances. Sparse blocks: missing entries become
    0. Infinite values are left for :func:`as_model_matrix` to refuse.
    """
    out = []
    for X in blocks:
        if sp.issparse(X):
            X = sp.csr_matrix(X)
            if X.dtype.kind == "f" and np.isnan(X.data).any():
                X = X.astype(float, copy=True)
                X.data[np.isnan(X.data)] = 0.0
        else:
            X = X.to_numpy() if hasattr(X, "to_numpy") else X
            X = np.asarray(X)
        out.append(X)
    dense = [X for X in out if not sp.issparse(X) and X.dtype.kind == "f"]
    if dense and any(np.isnan(X).any() for X in dense):
        total = sum(np.nansum(X, axis=0) for X in dense)
        count = sum((~np.isnan(X)).sum(axis=0) for X in dense)
        means = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
        out = [
            np.where(np.isnan(X), means, X) if X.dtype.kind == "f" else X for X in out
        ]
    return out
