"""A person as the oracle: a labeling session that lives in an SQLite file.

Every answer is stored, in its own transaction, with the identity of its row
(a digest of the row's feature values, or a key the user names), so an
edited pool re-attaches each answer to its row or is refused. The file
itself (format, lock, upgrades) is handled by ``skactive._store``; what
makes two rows "the same" is defined in ``skactive._row_identity``.
"""

import os
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples

from ._row_identity import pool_fingerprint
from ._rows import take_rows
from ._session_answers import ImplausibleAnswerError, _Answering
from ._session_export import _Exporting
from ._session_learner import is_fitted, own_labels
from ._session_open import _keys, _SessionFile
from ._store import (
    FORMAT_VERSION,  # noqa: F401  (re-exported for readers of the format)
    SessionStore,
    Transaction,
)
from .stopping import first_reason, start_criteria

__all__ = ["ImplausibleAnswerError", "LabelingSession", "pool_fingerprint"]

# Kept for code that imported it from here.
_transaction = Transaction


class LabelingSession(_Answering, _Exporting, _SessionFile):
    """A labeling session with a person as the oracle, stored in an SQLite file.

    Opens the session stored at ``path``, or starts one there. The session
    proposes pool rows to label (:meth:`propose`), records every answer the
    moment it is given, in its own transaction (:meth:`answer`), remembers
    rows that cannot be labeled (:meth:`skip`), and lets any stored answer be
    corrected (answer again) or withdrawn (:meth:`forget`). Reopened later,
    it has every answer and refits the learner from them.

    Each answer is stored with its row's identity, not its position: a
    digest of the row's feature values, or the row's key (``id``). When the
    pool changes between sittings (rows added, removed, reordered, numbers
    re-saved as ``2.0`` for ``2``), every answer is re-attached to its row
    wherever it now sits. The session refuses to open only when an answered
    row is gone or its feature values changed (with a key: when its key is
    gone). Feature values are compared as numbers where they read as numbers
    (``2`` = ``2.0`` = ``" 2 "``), as stripped text otherwise, and missing
    cells match missing cells; DataFrame columns are matched by name. Among
    identical rows, the k-th (in pool order) is the k-th again.

    Only one process at a time may open a session file; the lock is released
    by :meth:`close` or when the process ends, however it ends.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        The learner, fitted on your own labeled rows (not on pool rows), or
        unfitted if you have none. The session fits a copy of it
        (:func:`sklearn.base.clone`) on those labels plus every stored
        answer, now and after each answer, and keeps it as
        :attr:`learner`; the object passed in is left as it is.
    X_pool : array-like, DataFrame or sparse matrix of shape (n_pool, n_features)
        The rows a person may be asked about. Positions refer to its rows.
    path : str or path-like
        The session file. Created if missing (its folder must exist); an
        existing file must be a skactive session. ``<path>.lock`` is created
        next to it and holds the one-writer lock.
    id : str or array-like of shape (n_pool,), default=None
        The rows' keys, unique and not missing: a column name of ``X_pool``
        (a DataFrame; the column stays among the features the learner sees),
        or one key per row. None identifies rows by their feature values.
        Pass the same kind of identity every time the session is opened.
    stopping : criterion or list of criteria, default=None
        From :mod:`skactive.stopping`; :meth:`check_stopping` says whether one
        fires.

    Attributes
    ----------
    learner : ActiveLearningRegressor
        The learner, fit on its own labels plus every answer: a new object
        after each answer that changes the labels, taken only once the
        answer is stored (read it from the session, not once for good).
    answers_ : pandas.Series
        The answers so far, indexed by position in ``X_pool``.
    skipped_ : ndarray of int
        Positions skipped.
    annotators_ : pandas.Series
        Who gave each answer (None when not said), indexed like ``answers_``.

    Raises
    ------
    ValueError
        If ``path`` is not a skactive session (another kind of file, another
        SQLite database, an empty, truncated or corrupt file), was written by
        a newer version, or holds answers for rows no longer in ``X_pool``.
        The file is left untouched.
    OSError
        If the session is in use by another process, or its folder is
        missing or cannot be written.

    Notes
    -----
    Each answer refits the learner on all its labels (as
    :meth:`~skactive.ActiveLearningRegressor.teach` does); per-row fit
    parameters (``sample_weight``) of the learner's own fit are not carried
    into these refits. Stopping criteria that compare rounds start afresh
    when a session is reopened. A session file of format 1 (skactive before
    row identities) is upgraded in place when opened with the pool it was
    started with.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from skactive import ActiveLearningRegressor, LabelingSession
    >>> X, y = make_friedman1(n_samples=120, random_state=0)
    >>> learner = ActiveLearningRegressor(
    ...     RandomForestRegressor(n_estimators=20, random_state=0)).fit(X[:10], y[:10])
    >>> path = os.path.join(tempfile.mkdtemp(), "session.db")
    >>> session = LabelingSession(learner, X[10:], path)
    >>> for position in session.propose(n=3):
    ...     session = session.answer(position, y[10 + position])
    >>> session.close()
    >>> learner = ActiveLearningRegressor(
    ...     RandomForestRegressor(n_estimators=20, random_state=0)).fit(X[:10], y[:10])
    >>> resumed = LabelingSession(learner, X[::-1][:110], path)  # rows reordered
    >>> len(resumed.answers_), resumed.learner.n_labeled_
    (3, 13)
    >>> resumed.close()
    """

    def __init__(self, learner, X_pool, path, *, id=None, stopping=None):
        if not hasattr(learner, "query") or not hasattr(learner, "fit"):
            raise TypeError(
                "learner must be an ActiveLearningRegressor; got "
                f"{type(learner).__name__}."
            )
        if getattr(learner, "budget", None) is not None:
            raise ValueError(
                f"learner has budget={learner.budget}, which makes fit a "
                "simulation; pass a learner with budget=None to a labeling session."
            )
        self.n_pool_ = _num_samples(X_pool)
        if self.n_pool_ == 0:
            raise ValueError("X_pool is empty; pass the rows to be labeled.")
        self.learner = learner
        self.X_pool = X_pool
        self.path = os.fspath(path)
        self.id = id
        keys = _keys(X_pool, id, self.n_pool_)
        self._criteria = start_criteria(stopping)
        fitted = is_fitted(learner)
        self._X_own = self._y_own = None
        self._connection = None
        self._store = SessionStore(self.path).open()
        try:
            self._connection = self._store.connection
            self._attach(keys)
            self._connection = self._store.connection
            if fitted:
                self._X_own, self._y_own = own_labels(learner, self.answers_)
            if not self.answers_.empty:
                self.learner = self._fitted_learner()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------- reading

    @property
    def answers_(self):
        return self._answer_column("value", "answer", float)

    @property
    def annotators_(self):
        return self._answer_column("annotator", "annotator", object)

    def _answer_column(self, column, name, dtype):
        """One column of the stored answers, indexed by pool position."""
        rows = self._stored("answers", column)
        return pd.Series(
            [dtype(v) if dtype is float else v for _, v in rows],
            index=pd.Index([p for p, _ in rows], name="position", dtype="int64"),
            name=name,
            dtype=dtype,
        )

    @property
    def skipped_(self):
        rows = self._stored("skips", "skipped_at")
        return np.array([p for p, _ in rows], dtype=np.intp)

    def remaining(self):
        """Positions neither answered nor skipped, in pool order.

        Returns
        -------
        positions : ndarray of int
        """
        done = np.zeros(self.n_pool_, dtype=bool)
        done[self.answers_.index.to_numpy(dtype=np.intp)] = True
        done[self.skipped_] = True
        return np.flatnonzero(~done)

    # ------------------------------------------------------------ labeling

    def propose(self, n=1):
        """Positions of the next rows to ask about, best first.

        Never a row already answered or skipped. With an unfitted learner
        and no answer yet, the rows are drawn at random (seeded by the
        learner's ``random_state``).

        Parameters
        ----------
        n : int, default=1
            Rows wanted; fewer are returned when fewer remain.

        Returns
        -------
        positions : ndarray of int
            Positions into ``X_pool``; empty when every row is answered or
            skipped.
        """
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, Integral) or n < 1:
            raise ValueError(f"n must be a positive int; got {n!r}.")
        candidates = self.remaining()
        n = min(int(n), candidates.size)
        if n == 0:
            return np.empty(0, dtype=np.intp)
        if not is_fitted(self.learner):
            rng = check_random_state(self.learner.random_state)
            return np.sort(rng.choice(candidates, n, replace=False)).astype(np.intp)
        local = self.learner.query(take_rows(self.X_pool, candidates), n=n)
        return candidates[local]

    def check_stopping(self):
        """Whether a stopping criterion fires now, and why.

        Call it once per batch: criteria such as
        :class:`~skactive.stopping.StabilizingPredictions` compare successive
        calls. Their memory starts afresh when the session is reopened.

        Returns
        -------
        reason : str or None
        """
        if not self._criteria or not is_fitted(self.learner):
            return None
        record = {
            "n_labels": self.learner.n_labeled_,
            "val_rmse": None,
            "val_mae": None,
        }
        return first_reason(
            self._criteria, self.learner, self.X_pool, self.remaining(), record
        )

    def __repr__(self):
        if self._connection is None:
            return f"LabelingSession(path={self.path!r}, closed)"
        return (
            f"LabelingSession(path={self.path!r}, n_pool={self.n_pool_}, "
            f"answered={len(self.answers_)}, skipped={self.skipped_.size})"
        )
