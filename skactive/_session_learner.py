"""The labeling session's learner: fit a fresh copy on every label.

A session never writes to its learner's state. Each refit fits a clone of
the learner (:func:`sklearn.base.clone`) on the learner's own labels plus
the stored answers; the session takes the new learner only once the answers
it was fit on are committed, so a failed fit or a failed commit leaves the
session's learner exactly as it was.
"""

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._rows import concat_rows, take_rows

__all__ = ["all_labels", "fit_copy", "is_fitted", "own_labels"]


def is_fitted(learner):
    """Whether ``learner`` is fitted (scikit-learn's check, as a bool)."""
    try:
        check_is_fitted(learner)
    except NotFittedError:
        return False
    return True


def all_labels(X_own, y_own, X_pool, answers):
    """The learner's own labels followed by the answered pool rows.

    Parameters
    ----------
    X_own, y_own : labeled rows and targets, or None for none
    X_pool : the pool
    answers : pandas.Series of answers indexed by pool position

    Returns
    -------
    X, y : rows and targets; ``(None, None)`` when there is no label
    """
    rows = take_rows(X_pool, answers.index.to_numpy(dtype=np.intp))
    values = answers.to_numpy(dtype=float)
    if X_own is None:
        return (None, None) if answers.empty else (rows, values)
    if answers.empty:
        return X_own, y_own
    return concat_rows(X_own, rows), np.concatenate([y_own, values])


def fit_copy(learner, X, y):
    """A clone of ``learner`` fit on ``X, y``; ``learner`` is not touched."""
    return clone(learner).fit(X, y)


def own_labels(learner, answers):
    """The labels a learner had before any session taught it.

    A session fits its learner on the learner's own labels followed by the
    stored answers. So when the learner's labels end with exactly the
    answers the session file holds, it is a learner a session taught (such
    as ``session.learner``, opened again), and those last labels are not
    its own: counting them would count every answer twice.
    """
    X, y = learner.X_labeled_, learner.y_labeled_
    n, k = y.shape[0], len(answers)
    values = np.sort(answers.to_numpy(dtype=float))
    if 0 < k <= n and np.array_equal(np.sort(y[n - k :]), values):
        if n == k:
            return None, None
        return take_rows(X, np.arange(n - k)), y[: n - k]
    return X, y
