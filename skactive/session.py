"""A person as the oracle: a labeling session that lives in an SQLite file.

Every answer is stored, in its own transaction, with the identity of its row
(a digest of the row's feature values, or a key the user names), so an
edited pool re-attaches each answer to its row or is refused. The file
itself (format, lock, upgrades) is handled by ``skactive._store``; what
makes two rows "the same" is defined in ``skactive._row_identity``.
"""

import datetime
import os
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._row_identity import column_names, describe_row, pool_fingerprint, row_identities
from ._rows import concat_rows, take_rows
from ._store import (
    FORMAT_VERSION,  # noqa: F401  (re-exported for readers of the format)
    SessionStore,
    Transaction,
    decode_columns,
    encode_columns,
    is_teachable_value,
    write_new_file,
)
from .stopping import first_reason, start_criteria

__all__ = ["ImplausibleAnswerError", "LabelingSession", "pool_fingerprint"]

# Kept for code that imported it from here.
_transaction = Transaction

_FLOAT32_MAX = float(np.finfo(np.float32).max)
# An answer further than this many label ranges outside the labels so far
# needs confirm=True; checked once there are this many labels.
_PLAUSIBLE_RANGES, _PLAUSIBLE_MIN_LABELS = 5, 5


class ImplausibleAnswerError(ValueError):
    """An answer far outside the labels so far: stored only with ``confirm=True``."""


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class LabelingSession:
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
        unfitted if you have none. The session refits it in place from those
        labels plus every stored answer, now and after each answer.
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
        The learner, fit on its own labels plus every answer.
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
        try:
            check_is_fitted(learner)
            fitted = True
        except NotFittedError:
            fitted = False
        self._X_own = self._y_own = None
        self._connection = None
        self._store = SessionStore(self.path).open()
        try:
            self._connection = self._store.connection
            self._attach(keys)
            self._connection = self._store.connection
            if fitted:
                self._X_own, self._y_own = _own_labels(learner, self.answers_)
            if not self.answers_.empty:
                self._refit()
        except BaseException:
            self.close()
            raise

    # ---------------------------------------------------------------- file

    def _attach(self, keys):
        """Create the file, or tie its stored answers to this pool's rows."""
        store, path = self._store, self.path
        columns = column_names(self.X_pool)
        mode = "key" if keys is not None else "features"
        meta = {
            "identity": mode,
            "key": str(self.id) if isinstance(self.id, str) else "",
            "columns": encode_columns(columns),
        }
        if store.version == 0:
            self._set_ids(row_identities(self.X_pool, keys=keys))
            store.create(
                {
                    **meta,
                    "application": "skactive labeling session",
                    "n_pool": str(self.n_pool_),
                    "created_at": _now(),
                }
            )
            return
        stored = store.read_meta()
        if store.version == 1:
            self._upgrade(stored, keys, meta)
            return
        if stored.get("identity") != mode:
            how = {"key": "a key (id=...)", "features": "feature values (no id)"}
            raise ValueError(
                f"The session {path!r} identifies rows by "
                f"{how.get(stored.get('identity'), stored.get('identity'))}; it was "
                f"opened with {how[mode]}. Open it the way it was started."
            )
        use = None
        if mode == "features":
            use = decode_columns(stored.get("columns"))
            if sorted(map(str, use)) != sorted(columns):
                raise ValueError(
                    f"X_pool has columns {columns}, but the session {path!r} was "
                    f"started with columns {use}: its answers cannot be matched to "
                    "rows. Pass a pool with the same columns, or a new path."
                )
            if not isinstance(self.X_pool, pd.DataFrame):
                use = None
        self._set_ids(row_identities(self.X_pool, columns=use, keys=keys))
        self._check_attached()

    def _upgrade(self, stored, keys, meta):
        if stored.get("fingerprint") != pool_fingerprint(self.X_pool):
            raise ValueError(
                f"The session {self.path!r} was written by an older skactive "
                "(format 1), which tied answers to row positions; it can be "
                f"upgraded only with the pool it was started with (that pool had "
                f"{stored.get('n_pool')} rows, this one has {self.n_pool_}, or its "
                "values differ). Open it once with that pool (the CSV as it was, "
                "without --id) to upgrade it. It was left untouched."
            )
        self._set_ids(row_identities(self.X_pool, keys=keys))
        texts = _LazyRowTexts(self.X_pool)
        withdrawn = self._store.upgrade_v1(
            self._ids, texts, is_teachable_value, {**meta, "upgraded_at": _now()}
        )
        if withdrawn:
            warnings.warn(
                f"Upgrading {self.path!r} withdrew {len(withdrawn)} stored answer(s) "
                "that no learner can be taught (non-finite, or beyond "
                f"+/-{_FLOAT32_MAX:.3g}): positions and values {withdrawn[:10]}. They "
                "are kept in the file's event log; answer those rows again.",
                UserWarning,
                stacklevel=3,
            )

    def _set_ids(self, ids):
        self._ids = ids
        self._position_of = {row_id: i for i, row_id in enumerate(ids)}

    def _check_attached(self):
        """Refuse (untouched) if an answered row is no longer in the pool."""
        rows = self._db().execute(
            "SELECT row_id, value, position, row_text FROM answers ORDER BY position"
        )
        gone = [row for row in rows.fetchall() if row[0] not in self._position_of]
        if not gone:
            return
        listed = "; ".join(
            f"answer {value:g} for the row {text or row_id} (then at position "
            f"{position})"
            for row_id, value, position, text in gone[:5]
        )
        more = f" and {len(gone) - 5} more" if len(gone) > 5 else ""
        changed = "key is" if self.id is not None else "feature values are"
        raise ValueError(
            f"{len(gone)} answered row(s) of the session {self.path!r} are no "
            f"longer in the pool (the row was removed, or its {changed} not the "
            f"same): {listed}{more}. Put these rows back as they were, or pass a "
            "new session path; the file was left untouched and keeps every answer."
        )

    def close(self):
        """Close the session file and release its lock (answers are stored)."""
        self._connection = None
        store = getattr(self, "_store", None)
        if store is not None:
            store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _db(self):
        if self._connection is None:
            raise ValueError("The session is closed; open it again to go on.")
        return self._connection

    # ------------------------------------------------------------- reading

    def _stored(self, table, columns):
        rows = self._db().execute(f"SELECT row_id, {columns} FROM {table}").fetchall()
        found = [
            (self._position_of[row[0]], *row[1:])
            for row in rows
            if row[0] in self._position_of
        ]
        return sorted(found)

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

    def labeled_frame(self, target="answer"):
        """The pool as a DataFrame with every stored answer in a ``target`` column.

        Parameters
        ----------
        target : str, default="answer"
            Name of the added column; it must not be a column of ``X_pool``.

        Returns
        -------
        frame : DataFrame of shape (n_pool, n_features + 1)
            ``X_pool``'s columns (``x0``, ``x1``... for an array) and index,
            then ``target``: the answer, or NaN where none is stored.
        """
        X = self.X_pool
        if isinstance(X, pd.DataFrame):
            frame = X.copy()
        elif sp.issparse(X):
            frame = pd.DataFrame.sparse.from_spmatrix(X)
            frame.columns = [f"x{j}" for j in range(X.shape[1])]
        else:
            X = np.asarray(X)
            X = X.reshape(len(X), -1)
            frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
        if target in frame.columns:
            raise ValueError(
                f"target={target!r} is already a column of X_pool; pass another name."
            )
        values = np.full(self.n_pool_, np.nan)
        answers = self.answers_
        values[answers.index.to_numpy(dtype=np.intp)] = answers.to_numpy()
        frame[target] = values
        return frame

    def write_labeled(self, path, target="answer", *, overwrite=False):
        """Write :meth:`labeled_frame` to a new CSV file.

        Parameters
        ----------
        path : str or path-like
        target : str, default="answer"
        overwrite : bool, default=False
            Replace an existing file; never the session file or its lock.

        Returns
        -------
        path : str

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False (it is left untouched).
        """
        text = self.labeled_frame(target).to_csv(index=False)
        write_new_file(
            path,
            text,
            overwrite=overwrite,
            protected=[
                (self.path, "the session file"),
                (self._store.lock_path, "the session's lock file"),
            ],
        )
        return os.fspath(path)

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
        if not _is_fitted(self.learner):
            rng = check_random_state(self.learner.random_state)
            return np.sort(rng.choice(candidates, n, replace=False)).astype(np.intp)
        local = self.learner.query(take_rows(self.X_pool, candidates), n=n)
        return candidates[local]

    def answer(self, position, value, *, annotator=None, confirm=False):
        """Store the answer for one row and teach the learner.

        The value is checked, the learner is refit with it, and only then is
        the answer committed to the file, in its own transaction, before this
        returns. Answering a row again corrects the earlier answer; answering
        a skipped row un-skips it.

        Parameters
        ----------
        position : int
            Position into ``X_pool``.
        value : float
            The target: a finite number within +/-3.4e38 (the float32 range
            learners compute in).
        annotator : str, default=None
            Who answered; stored with the answer.
        confirm : bool, default=False
            Store a value far outside the labels so far (more than 5 label
            ranges beyond them, once 5 labels are known), which is refused
            otherwise as a likely typo.

        Returns
        -------
        self : LabelingSession

        Raises
        ------
        ValueError
            For a position outside the pool, a value that is not a finite
            number or beyond the float32 range, or a learner that cannot be
            fit with it; :class:`ImplausibleAnswerError` (a ValueError) for an
            implausible value without ``confirm``. Nothing is stored and the
            learner is unchanged.
        OSError
            If the file cannot be written (disk full, read-only); nothing is
            stored and the learner is unchanged.
        """
        return self.answer_many(
            [position], [value], annotator=annotator, confirm=confirm
        )

    def answer_many(self, positions, values, *, annotator=None, confirm=False):
        """Store several answers in one transaction (all or none), then refit.

        Parameters
        ----------
        positions : sequence of int
        values : sequence of float
        annotator : str, default=None
        confirm : bool, default=False
            See :meth:`answer`.

        Returns
        -------
        self : LabelingSession
        """
        return self.import_answers(
            positions, values, annotator=annotator, confirm=confirm
        )

    def skip(self, position, *, annotator=None):
        """Mark a row as one that cannot be labeled: never proposed again.

        Skipping an answered row withdraws its answer (kept in the file's
        event log); :meth:`forget` un-skips.

        Parameters
        ----------
        position : int
            Position into ``X_pool``.
        annotator : str, default=None

        Returns
        -------
        self : LabelingSession
        """
        return self.skip_many([position], annotator=annotator)

    def skip_many(self, positions, *, annotator=None):
        """Skip several rows in one transaction.

        Parameters
        ----------
        positions : sequence of int
        annotator : str, default=None

        Returns
        -------
        self : LabelingSession
        """
        return self.import_answers([], [], skipped=positions, annotator=annotator)

    def forget(self, position):
        """Withdraw the stored answer or skip of one row (an undo).

        The row can be proposed and answered again; the withdrawal is kept in
        the file's event log.

        Parameters
        ----------
        position : int
            Position into ``X_pool``.

        Returns
        -------
        self : LabelingSession

        Raises
        ------
        ValueError
            If nothing is stored for the row.
        """
        position = self._check_position(position)
        row_id = self._ids[position]
        connection = self._db()
        found = connection.execute(
            "SELECT (SELECT COUNT(*) FROM answers WHERE row_id = ?) + "
            "(SELECT COUNT(*) FROM skips WHERE row_id = ?)",
            (row_id, row_id),
        ).fetchone()[0]
        if not found:
            raise ValueError(
                f"Nothing is stored for position {position}: it was neither "
                "answered nor skipped."
            )
        self._write([], [], [position], None)
        return self

    def import_answers(
        self, positions, values, skipped=(), *, annotator=None, confirm=False
    ):
        """Store answers and skips together, in one transaction, then refit.

        Everything is validated first; on any error nothing is stored.

        Parameters
        ----------
        positions : sequence of int
        values : sequence of float
        skipped : sequence of int, default=()
        annotator : str, default=None
        confirm : bool, default=False
            See :meth:`answer`.

        Returns
        -------
        self : LabelingSession
        """
        positions = [self._check_position(p) for p in positions]
        skipped = [self._check_position(p) for p in skipped]
        if len(values) != len(positions):
            raise ValueError(
                f"Got {len(positions)} positions but {len(values)} values; pass one "
                "value per position."
            )
        values = [_check_value(v, p) for p, v in zip(positions, values)]
        everything = positions + skipped
        if len(set(everything)) != len(everything):
            raise ValueError("A position appears twice; give one answer per row.")
        if annotator is not None and not isinstance(annotator, str):
            raise TypeError(f"annotator must be a str or None; got {annotator!r}.")
        if not confirm:
            self._check_plausible(positions, values)
        self._write(list(zip(positions, values)), skipped, [], annotator)
        return self

    def check_stopping(self):
        """Whether a stopping criterion fires now, and why.

        Call it once per batch: criteria such as
        :class:`~skactive.stopping.StabilizingPredictions` compare successive
        calls. Their memory starts afresh when the session is reopened.

        Returns
        -------
        reason : str or None
        """
        if not self._criteria or not _is_fitted(self.learner):
            return None
        record = {
            "n_labels": self.learner.n_labeled_,
            "val_rmse": None,
            "val_mae": None,
        }
        return first_reason(
            self._criteria, self.learner, self.X_pool, self.remaining(), record
        )

    # ------------------------------------------------------------- helpers

    def _write(self, answers, skips, forgets, annotator):
        """One transaction: write, refit from it, commit; or nothing at all."""
        at = _now()
        connection = self._db()
        before = dict(self.learner.__dict__)
        refit = bool(answers or forgets)
        try:
            with Transaction(connection, self.path):
                connection.execute("BEGIN IMMEDIATE")
                for position, value in answers:
                    row_id = self._ids[position]
                    connection.execute(
                        "INSERT OR REPLACE INTO answers (row_id, value, position, "
                        "row_text, annotator, answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            row_id,
                            value,
                            position,
                            describe_row(self.X_pool, position),
                            annotator,
                            at,
                        ),
                    )
                    connection.execute("DELETE FROM skips WHERE row_id = ?", (row_id,))
                    _event(connection, "answer", position, value, at, row_id, annotator)
                for position in skips:
                    row_id = self._ids[position]
                    cursor = connection.execute(
                        "DELETE FROM answers WHERE row_id = ?", (row_id,)
                    )
                    refit = refit or cursor.rowcount > 0
                    connection.execute(
                        "INSERT OR REPLACE INTO skips (row_id, position, annotator, "
                        "skipped_at) VALUES (?, ?, ?, ?)",
                        (row_id, position, annotator, at),
                    )
                    _event(connection, "skip", position, None, at, row_id, annotator)
                for position in forgets:
                    row_id = self._ids[position]
                    for table in ("answers", "skips"):
                        connection.execute(
                            f"DELETE FROM {table} WHERE row_id = ?", (row_id,)
                        )
                    _event(connection, "forget", position, None, at, row_id, None)
                if refit:
                    # Refit from what the transaction holds; if that fails,
                    # the transaction rolls back and nothing is stored.
                    self._refit(checking=True)
        except BaseException:
            # A failed commit after a good refit: the learner goes back too.
            self.learner.__dict__.clear()
            self.learner.__dict__.update(before)
            raise

    def _check_position(self, position):
        if isinstance(position, (bool, np.bool_)) or not isinstance(position, Integral):
            raise TypeError(f"A position must be an int; got {position!r}.")
        if not 0 <= position < self.n_pool_:
            raise ValueError(
                f"Position {position} is outside the pool (0 to {self.n_pool_ - 1})."
            )
        return int(position)

    def _check_plausible(self, positions, values):
        known = list(self.answers_.to_numpy())
        if self._y_own is not None:
            known += list(np.asarray(self._y_own, dtype=float))
        if len(known) < _PLAUSIBLE_MIN_LABELS:
            return
        low, high = float(np.min(known)), float(np.max(known))
        width = high - low if high > low else max(abs(high), 1.0)
        lo, hi = low - _PLAUSIBLE_RANGES * width, high + _PLAUSIBLE_RANGES * width
        for position, value in zip(positions, values):
            if not lo <= value <= hi:
                raise ImplausibleAnswerError(
                    f"The answer {value:g} for position {position} is far outside "
                    f"the {len(known)} labels so far ({low:g} to {high:g}); it looks "
                    "like a typo. Nothing was stored. If it is right, answer again "
                    "with confirm=True."
                )

    def _refit(self, checking=False):
        """Fit the learner on its own labels plus every stored answer."""
        answers = self.answers_
        if answers.empty and self._X_own is None:
            return
        rows = take_rows(self.X_pool, answers.index.to_numpy(dtype=np.intp))
        values = answers.to_numpy(dtype=float)
        if self._X_own is None:
            X_all, y_all = rows, values
        elif answers.empty:
            X_all, y_all = self._X_own, self._y_own
        else:
            X_all = concat_rows(self._X_own, rows)
            y_all = np.concatenate([self._y_own, values])
        # fit assigns its state last: on failure the learner is unchanged.
        try:
            self.learner.fit(X_all, y_all)
        except (ValueError, ArithmeticError) as exc:
            if not checking:
                raise
            raise ValueError(
                f"The learner cannot be fit with this answer ({exc}); nothing was "
                "stored. Check the value."
            ) from exc

    def __repr__(self):
        if self._connection is None:
            return f"LabelingSession(path={self.path!r}, closed)"
        return (
            f"LabelingSession(path={self.path!r}, n_pool={self.n_pool_}, "
            f"answered={len(self.answers_)}, skipped={self.skipped_.size})"
        )


class _LazyRowTexts:
    """Row descriptions computed on demand (only answered rows need one)."""

    def __init__(self, X_pool):
        self.X_pool = X_pool

    def __getitem__(self, position):
        return describe_row(self.X_pool, position)


def _event(connection, kind, position, value, at, row_id, annotator):
    connection.execute(
        "INSERT INTO events (kind, position, value, at, row_id, annotator) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (kind, position, value, at, row_id, annotator),
    )


def _keys(X_pool, id, n_pool):
    if id is None:
        return None
    if isinstance(id, str):
        if not isinstance(X_pool, pd.DataFrame) or id not in X_pool.columns:
            raise ValueError(
                f"id={id!r} is not a column of X_pool; pass a column name of a "
                "DataFrame pool, or one key per row."
            )
        return X_pool[id].to_numpy(dtype=object)
    keys = np.asarray(id, dtype=object).ravel()
    if keys.shape[0] != n_pool:
        raise ValueError(
            f"id has {keys.shape[0]} keys but X_pool has {n_pool} rows; pass one "
            "key per row."
        )
    return keys


def _is_fitted(learner):
    try:
        check_is_fitted(learner)
    except NotFittedError:
        return False
    return True


def _check_value(value, position):
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(
            f"The answer for position {position} is {value!r}, not a number."
        )
    if not isinstance(value, (Real, np.number)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"The answer for position {position} is {value!r}, not a number; "
                "give a finite number."
            ) from None
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(
            f"The answer for position {position} is {value}; give a finite number "
            "(use skip for a row you cannot label)."
        )
    if not is_teachable_value(value):
        raise ValueError(
            f"The answer for position {position} is {value:g}, beyond "
            f"+/-{_FLOAT32_MAX:.3g}, which learners cannot compute with; nothing "
            "was stored. Check for a typo."
        )
    return value


def _own_labels(learner, answers):
    """The labels a learner had before any session taught it.

    A session refits its learner on the learner's own labels followed by the
    stored answers. So when the learner's labels end with exactly the
    answers the session file holds, it is a learner this session taught
    (reopened with the same object), and those last labels are not its own:
    counting them would count every answer twice.
    """
    X, y = learner.X_labeled_, learner.y_labeled_
    n, k = y.shape[0], len(answers)
    values = np.sort(answers.to_numpy(dtype=float))
    if 0 < k <= n and np.array_equal(np.sort(y[n - k :]), values):
        if n == k:
            return None, None
        return take_rows(X, np.arange(n - k)), y[: n - k]
    return X, y
