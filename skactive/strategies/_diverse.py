"""Diverse batches: high scores, no near-duplicates."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval

from ._batch import top_n
from ._greedy import as_model_matrix, feature_scales, scaled_rows


class DiverseSelection(BaseEstimator):
    """A batch of high-scoring rows that are far from one another.

    The rule, in two steps:

    1. **Filter**: keep the ``candidate_factor * n`` best-scoring rows (all
       rows if the pool is smaller).
    2. **Greedy max-min, weighted by rank**: take the best candidate first;
       then, one at a time, the candidate with the largest
       ``weight * distance to the nearest row already in the batch``, where
       ``weight = 1 - rank / n_candidates`` (1 for the best score, near 0 for
       the last candidate).

    Why this rule: top-``n`` fills a batch with near-duplicates of the single
    most uncertain region; pure max-min (k-center) over the whole pool
    ignores the scores and chases outliers. Filtering keeps only rows worth
    labeling, and weighting the distance by rank keeps the batch ordered
    roughly by score while a near-duplicate (distance near 0) is never
    chosen. Ranks rather than raw scores make the rule work unchanged for
    any score scale (standard deviations, variances, gradient norms, random
    draws). It is deterministic (ties go to the better score) and needs
    O(N) memory: a partial sort of the scores, then distances among at most
    ``candidate_factor * n`` rows, one running-minimum vector updated per
    pick. Only the candidate rows of a sparse pool are densified.

    Distances are Euclidean in the model's own input space (after a
    Pipeline's transforms), with each feature divided by its standard
    deviation over the whole pool so that units do not matter.

    Parameters
    ----------
    candidate_factor : int, default=10
        Candidates kept per batch member. 1 gives plain top-``n``; larger
        values trade score for diversity.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import DiverseSelection
    >>> X = np.array([[0.0], [0.01], [4.0], [10.0]])
    >>> scores = np.array([1.0, 0.99, 0.5, 0.1])
    >>> DiverseSelection().select(scores, 2, X_model=X)
    array([0, 3])
    """

    #: The learner passes the pool in model space as ``X_model``.
    needs_model_space = True

    _parameter_constraints = {
        "candidate_factor": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, candidate_factor=10):
        self.candidate_factor = candidate_factor

    def select(self, scores, n, X_model=None, random_state=None):
        """Positions of a diverse batch of ``n`` rows, best score first.

        Parameters
        ----------
        scores : ndarray of shape (n_pool,)
            One score per pool row; higher is better.
        n : int
            Batch size.
        X_model : array-like or sparse matrix of shape (n_pool, n_model_features)
            The pool in the model's input space.
        random_state : None
            Unused; the rule is deterministic.

        Returns
        -------
        positions : ndarray of shape (n,)
            In the order picked (the best score first).
        """
        self._validate_params()
        if X_model is None:
            raise ValueError(
                "DiverseSelection needs the pool in model space (X_model) to "
                "measure distances; pass X_model."
            )
        scores = np.asarray(scores, dtype=float)
        X_model = as_model_matrix(X_model)
        n_pool = scores.shape[0]
        if X_model.shape[0] != n_pool:
            raise ValueError(
                f"X_model has {X_model.shape[0]} rows but there are {n_pool} "
                "scores; pass one row per score."
            )
        m = min(n_pool, self.candidate_factor * n)
        candidates = top_n(scores, m)
        if n == 1 or m == n:
            return candidates[:n]
        weights = 1.0 / feature_scales(X_model)
        C = scaled_rows(X_model[candidates], weights)
        sq = np.einsum("ij,ij->i", C, C)
        rank_weight = 1.0 - np.arange(m) / m
        nearest = np.full(m, np.inf)
        chosen = np.empty(n, dtype=np.intp)
        chosen[0] = 0
        for j in range(1, n):
            last = C[chosen[j - 1]]
            dist = np.sqrt(np.maximum(sq + sq[chosen[j - 1]] - 2.0 * (C @ last), 0.0))
            np.minimum(nearest, dist, out=nearest)
            gain = rank_weight * nearest
            gain[chosen[:j]] = -np.inf
            chosen[j] = int(np.argmax(gain))
        return candidates[chosen]
