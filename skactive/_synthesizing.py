"""Membership query synthesis on the learner: :meth:`synthesize` delegates to
:func:`skactive.synthesis.synthesize`, loaded when first called."""

from sklearn.utils.validation import check_is_fitted

from ._seeding import learner_rng


class SynthesisMixin:
    """``synthesize`` for :class:`~skactive.ActiveLearningRegressor`."""

    def synthesize(self, n=1, *, bounds=None):
        """Membership query synthesis: ``n`` new rows worth labeling, in no pool.

        The rows lie in the domain of the rows ``fit`` was given (labeled or
        not) and taught since: each numeric column within its range, integer
        columns holding integers, categorical columns taking only values
        seen. A per-row score strategy's rows maximise its score, weighted by
        how much of the domain lies near them (so they do not pile up on its
        boundary), spread apart (no near-duplicates); a batch strategy (the
        default, ``"lcmd"``) chooses its batch from uniform candidates of the
        domain as from a pool. They are meant for an oracle
        that can label any row (a simulator, a lab): pass the answers to
        :meth:`teach`. With the ``"random"`` strategy they are a uniform
        random design in the domain.
        See :func:`skactive.synthesis.synthesize` for the method.

        Parameters
        ----------
        n : int, default=1
            Number of rows.
        bounds : dict or sequence, default=None
            Replace the learned domain of some columns: a dict from column
            (name or position) to ``(low, high)`` for a numeric column or a
            list of allowed values for a categorical one, or one such entry
            (or None) per column.

        Returns
        -------
        X_new : DataFrame, ndarray or sparse matrix of shape (n, n_features)
            Like the rows given to ``fit``: a DataFrame in gives a DataFrame
            with the same columns and dtypes. Most informative first.

        Examples
        --------
        A simulator labels any row of the unit square; no pool is needed.

        >>> import numpy as np
        >>> from skactive import ActiveLearningRegressor
        >>> def simulator(X):
        ...     return np.sin(6 * X[:, 0]) + X[:, 1] ** 2
        >>> X_start = np.random.RandomState(0).uniform(size=(20, 2))
        >>> alr = ActiveLearningRegressor(random_state=0)
        >>> alr = alr.fit(X_start, simulator(X_start))
        >>> X_new = alr.synthesize(5)
        >>> X_new.shape, bool(((X_new >= 0) & (X_new <= 1)).all())
        ((5, 2), True)
        >>> alr.teach(X_new, simulator(X_new)).n_labeled_
        25
        """
        from .synthesis import synthesize  # a feature of its own, loaded on use

        check_is_fitted(self)
        return synthesize(
            self,
            n,
            bounds=bounds,
            random_state=learner_rng(self, salt=self.n_labeled_ + 2),
        )
