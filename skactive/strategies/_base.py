"""What every strategy shares: one score per pool row, computed in chunks."""

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import _num_samples

from .._members import chunk_slices, is_averaging_ensemble, n_members
from .._rows import take_rows


class BaseStrategy(BaseEstimator):
    """Base class of the strategies.

    A strategy turns a fitted :class:`~skactive.ActiveLearningRegressor` and
    a pool into one score per row (higher means more worth labeling). The
    pool is scored in chunks of rows so memory stays bounded; subclasses
    implement ``_score_chunk(learner, X_chunk)`` with whole-array operations
    (or override :meth:`score`).

    Two kinds, declared once by the class attribute ``selects_batch``:

    - a *score* strategy (``False``: random, uncertainty, qbc, emcm) leaves
      the batch to the learner's batch rule, ``default_batch_selection``
      when ``batch_selection=None``;
    - a *batch* strategy (``True``: greedy sampling, LCMD) chooses the whole
      batch jointly in ``select_batch(learner, X_pool, n, *, X_model,
      random_state)``, which returns ``(positions, scores)``; an explicit
      ``batch_selection`` is then an error at ``fit``.

    Strategies see the learner through its public fitted attributes and
    protocol methods (``model_space``, ``predict``, ``committee_``,
    ``estimator_``, ``X_labeled_``) and receive the pool already validated;
    the pool in the model's space comes in as ``X_model``, computed once per
    query.

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

    #: Whether the strategy chooses its whole batch jointly.
    #:
    #: The declaration every caller reads. False: a *score* strategy, whose
    #: scores a batch rule (``batch_selection``) turns into a batch. True: a
    #: *batch* strategy, which chooses the whole batch jointly in
    #: :meth:`select_batch`; an explicit ``batch_selection`` is then an error.
    selects_batch = False

    #: Batch rule used when the learner's ``batch_selection`` is None.
    #:
    #: Score strategies only. The built-in scores declare the rule measured
    #: best for them in ``benchmarks/label_efficiency.py``.
    default_batch_selection = "top"

    #: Power that puts the score on the scale of a standard deviation.
    #:
    #: 1 for a spread, 0.5 for a variance: the ``score_power`` of the
    #: ``"diverse"`` rule when it is named rather than given as an object.
    spread_power = 1.0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.selects_batch and not callable(getattr(cls, "select_batch", None)):
            raise TypeError(
                f"{cls.__name__} declares selects_batch = True but defines no "
                "select_batch(learner, X_pool, n, *, X_model, random_state) method."
            )

    def score(self, learner, X_pool, random_state=None):
        """Informativeness of each pool row.

        Subclasses implement ``_score_chunk(learner, X_chunk)`` (whole-array
        scores of a block of rows; the pool is cut into blocks so memory
        stays bounded) or override this method.

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
        score_chunk = getattr(self, "_score_chunk", None)
        if score_chunk is None:
            raise TypeError(
                f"{type(self).__name__} must define _score_chunk(learner, X_chunk) "
                "or override score(learner, X_pool, random_state)."
            )
        n_pool = _num_samples(X_pool)
        width = max(n_members(learner), 1)
        parts = [
            np.asarray(score_chunk(learner, _row_block(X_pool, s, n_pool)), dtype=float)
            for s in chunk_slices(n_pool, width)
        ]
        return np.concatenate(parts) if parts else np.empty(0)

    def query(
        self, learner, X_pool, n, batch_selection=None, random_state=None, X_model=None
    ):
        """Positions of a batch of ``n`` pool rows, best first, and the scores.

        A batch strategy (``selects_batch = True``) hands the whole choice to
        :meth:`select_batch`. A score strategy scores the pool, then lets
        ``batch_selection`` choose.

        Parameters
        ----------
        learner : ActiveLearningRegressor
            Fitted learner.
        X_pool : array-like of shape (n_pool, n_features)
            Validated pool.
        n : int
            Batch size, at most the pool size.
        batch_selection : batch-rule object or None
            The learner's batch rule (None for a batch strategy).
        random_state : RandomState instance, default=None
        X_model : array-like of shape (n_pool, n_model_features), default=None
            The pool in the model's input space
            (``learner.model_space(X_pool)``), computed once per query by the
            learner when the strategy or the rule needs it.

        Returns
        -------
        positions : ndarray of shape (n,)
        scores : ndarray of shape (n_pool,)
        """
        if self.selects_batch:
            if batch_selection is not None:
                raise ValueError(
                    f"{type(self).__name__} chooses its batch jointly; it takes no "
                    f"batch_selection (got {batch_selection!r})."
                )
            return self.select_batch(
                learner, X_pool, n, X_model=X_model, random_state=random_state
            )
        scores = np.asarray(self.score(learner, X_pool, random_state), dtype=float)
        ranked = np.where(np.isnan(scores), -np.inf, scores)
        extra = {}
        if getattr(batch_selection, "needs_model_space", False):
            if X_model is None:
                X_model = learner.model_space(X_pool)
            extra = {
                "X_model": X_model,
                "X_labeled": learner.model_space(learner.X_labeled_),
            }
        positions = batch_selection.select(
            ranked, n, random_state=random_state, **extra
        )
        return positions, scores

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


class MemberStrategy(BaseStrategy):
    """A strategy that reads the predictions of the learner's members.

    Its members are the learner's ``committee`` if one was given, else the
    members of an averaging ensemble (the trees of a forest); failing both,
    ``fit`` builds ``n_members`` bootstrap clones (the subclass's parameter).
    """

    def bootstrap_members_needed(self, estimator, committee):
        self._validate_params()
        if committee is not None or is_averaging_ensemble(estimator):
            return 0
        return self.n_members


def _row_block(X, rows, n_rows):
    """Rows ``rows`` (a slice) of ``X``: the pool itself, a view, or a copy."""
    if rows.start == 0 and rows.stop >= n_rows:
        return X
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if hasattr(X, "tocsr") or isinstance(X, np.ndarray):
        return X[rows]
    return take_rows(X, np.arange(rows.start, rows.stop))
