"""Batch rules: from one score per pool row to ``n`` positions, best first."""

from sklearn.base import BaseEstimator

from .._geometry import top_n


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
