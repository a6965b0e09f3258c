"""What every strategy shares: one score per pool row, computed in chunks."""

from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator

from sklearn.utils.validation import _num_samples

from .._members import chunk_slices, n_members
from .._rows import take_rows


class BaseStrategy(BaseEstimator, metaclass=ABCMeta):
    """Base class of the informativeness scores.

    A strategy turns a fitted :class:`~skactive.ActiveLearningRegressor` and
    a pool into one score per row (higher means more worth labeling). The
    pool is scored in chunks of rows so memory stays bounded; subclasses
    implement :meth:`_score_chunk` with whole-array operations.

    Examples
    --------
    A strategy of your own: label the rows predicted highest (to find the
    best designs rather than to learn the whole function).

    >>> import numpy as np
    >>> from sklearn.datasets import make_friedman1
    >>> from skactive import ActiveLearningRegressor
    >>> from skactive.strategies import BaseStrategy
    >>> class HighestPrediction(BaseStrategy):
    ...     def _score_chunk(self, learner, X_chunk):
    ...         return learner.predict(X_chunk)
    >>> X, y = make_friedman1(n_samples=60, random_state=0)
    >>> alr = ActiveLearningRegressor(strategy=HighestPrediction(), random_state=0)
    >>> positions = alr.fit(X[:20], y[:20]).query(X[20:], n=3)
    >>> predicted = alr.predict(X[20:])
    >>> bool(np.all(predicted[positions] >= np.delete(predicted, positions).max()))
    True
    """

    #: Batch rule used when the learner's ``batch_selection`` is None.
    default_batch_selection = "top"

    def score(self, learner, X_pool, random_state=None):
        """Informativeness of each pool row.

        Parameters
        ----------
        learner : ActiveLearningRegressor
            Fitted learner.
        X_pool : array-like of shape (n_pool, n_features)
            Validated pool, in the learner's input space.
        random_state : RandomState instance, default=None
            Source of randomness, for strategies that need one.

        Returns
        -------
        scores : ndarray of shape (n_pool,)
            Higher means more informative.
        """
        n_pool = _num_samples(X_pool)
        width = max(n_members(learner), 1)
        parts = [
            np.asarray(
                self._score_chunk(learner, _row_block(X_pool, s, n_pool)),
                dtype=float,
            )
            for s in chunk_slices(n_pool, width)
        ]
        return np.concatenate(parts) if parts else np.empty(0)

    def query(self, learner, X_pool, n, batch_selection, random_state=None):
        """Positions of a batch of ``n`` pool rows, best first, and the scores.

        The default scores the pool, then lets ``batch_selection`` choose.
        Strategies whose choice depends on the rows already in the batch
        (greedy sampling, for instance) override this.

        Parameters
        ----------
        learner : ActiveLearningRegressor
            Fitted learner.
        X_pool : array-like of shape (n_pool, n_features)
            Validated pool.
        n : int
            Batch size, at most the pool size.
        batch_selection : batch-rule object
            The learner's batch rule.
        random_state : RandomState instance, default=None

        Returns
        -------
        positions : ndarray of shape (n,)
        scores : ndarray of shape (n_pool,)
        """
        scores = np.asarray(self.score(learner, X_pool, random_state), dtype=float)
        ranked = np.where(np.isnan(scores), -np.inf, scores)
        X_model = None
        if getattr(batch_selection, "needs_model_space", False):
            X_model = learner._model_space(X_pool)
        positions = batch_selection.select(
            ranked, n, X_model=X_model, random_state=random_state
        )
        return positions, scores

    @abstractmethod
    def _score_chunk(self, learner, X_chunk):
        """Scores of one chunk of rows."""

    def bootstrap_members_needed(self, estimator, committee):
        """Bootstrap clones ``fit`` must build for this strategy (0: none).

        Parameters
        ----------
        estimator : estimator
            The learner's (unfitted) regressor.
        committee : None, int or list
            The learner's ``committee`` parameter.
        """
        return 0


def _row_block(X, rows, n_rows):
    """Rows ``rows`` (a slice) of ``X``: the pool itself, a view, or a copy."""
    if rows.start == 0 and rows.stop >= n_rows:
        return X
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if hasattr(X, "tocsr") or isinstance(X, np.ndarray):
        return X[rows]
    return take_rows(X, np.arange(rows.start, rows.stop))
