"""One query of a fitted learner over validated rows: the strategy, then the
batch rule, with the model space computed once."""

import numpy as np
from sklearn.utils.validation import _num_samples

from ._boosting import one_thread
from ._seeding import learner_rng
from ._validation import check_float32_targets
from .strategies._lcmd import LCMDSampling


def query_rows(learner, X_pool, n, strategy=None):
    """Positions of the ``n`` rows of ``X_pool`` most worth labeling, and every
    row's score.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        Fitted.
    X_pool : array-like or sparse matrix of shape (n_pool, n_features)
        Rows already validated against the fit.
    n : int
        Checked batch size, at most ``n_pool``.
    strategy : strategy object, default=None
        Used instead of ``learner.strategy_`` (a stream's chunk rule).

    Returns
    -------
    positions : ndarray of intp, shape (n,)
        Best first.
    scores : ndarray of float, shape (n_pool,)
    """
    strategy = learner.strategy_ if strategy is None else strategy
    if isinstance(strategy, LCMDSampling):
        check_float32_targets(learner.y_labeled_)
    rng = learner_rng(learner, salt=learner.n_labeled_ + 1)
    X_model = None
    # HGB on few rows: one OpenMP thread, see _boosting.one_thread.
    with one_thread(learner, _num_samples(X_pool)):
        if strategy.selects_batch or getattr(
            learner.batch_selection_, "needs_model_space", False
        ):
            X_model = learner.model_space(X_pool)  # once per query, passed in
        positions, scores = strategy.query(
            learner,
            X_pool,
            n,
            learner.batch_selection_,
            random_state=rng,
            X_model=X_model,
        )
    return np.asarray(positions, dtype=np.intp), np.asarray(scores, dtype=float)
