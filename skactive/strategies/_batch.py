"""Batch rules: from one score per pool row to ``n`` positions, best first."""

import numpy as np
from sklearn.base import BaseEstimator


def top_n(scores, n):
    """Positions of the ``n`` highest scores, best first (ties: lowest position)."""
    scores = np.asarray(scores, dtype=float)
    if n >= scores.shape[0]:
        return np.argsort(-scores, kind="stable")
    head = np.argpartition(-scores, n - 1)[:n]
    order = np.lexsort((head, -scores[head]))
    return head[order]


class TopSelection(BaseEstimator):
    """Take the ``n`` rows with the highest scores.

    Fast and simple, but a batch can fill with near-duplicates of one
    informative region; see the diverse rule for larger batches.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.strategies import TopSelection
    >>> TopSelection().select(np.array([0.1, 0.9, 0.5]), 2)
    array([1, 2])
    """

    def select(self, scores, n, X_model=None, random_state=None):
        """Positions of the ``n`` best rows, best first.

        Parameters
        ----------
        scores : ndarray of shape (n_pool,)
            One score per pool row; higher is better.
        n : int
            Batch size.
        X_model : array-like of shape (n_pool, n_model_features), default=None
            The pool in the model's input space (unused by this rule).
        random_state : RandomState instance, default=None
            Unused by this rule.

        Returns
        -------
        positions : ndarray of shape (n,)
        """
        return top_n(scores, n)
