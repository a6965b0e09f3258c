"""A person as the oracle: a labeling session that lives in an SQLite file.

Storage choices
---------------
* One SQLite file (Python's own ``sqlite3``), one transaction per answer:
  when :meth:`LabelingSession.answer` returns, the answer is on disk. A
  crash, a killed process or a full disk loses at most the answer being
  given.
* The default rollback journal (``journal_mode=DELETE``) with
  ``synchronous=FULL``, not WAL: answers come at the pace of a person, so
  WAL's speed buys nothing, while WAL keeps committed answers in a separate
  ``-wal`` file until a checkpoint; a user who copies or mails the session
  file alone would lose them. With the rollback journal the ``.db`` file
  holds every committed answer by itself.
* The file identifies itself (``PRAGMA application_id``, ``user_version``
  and a ``meta`` table): a file that is not a skactive session, or is
  corrupt, is refused with a clear message and never written to. It is
  first opened read-only for these checks.
* The pool is checked by a fingerprint (a SHA-256 of its shape, column
  names, dtypes and values), so answers are never attached to the wrong
  rows.
"""

import datetime
import hashlib
import os
import sqlite3
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._rows import concat_rows, take_rows
from .stopping import first_reason, start_criteria

__all__ = ["LabelingSession", "pool_fingerprint"]

# "skAL" in ASCII: identifies the file as a skactive labeling session.
APPLICATION_ID = 0x736B414C
FORMAT_VERSION = 1
_SQLITE_HEADER = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE answers (
    position INTEGER PRIMARY KEY, value REAL NOT NULL, answered_at TEXT NOT NULL);
CREATE TABLE skips (position INTEGER PRIMARY KEY, skipped_at TEXT NOT NULL);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
    position INTEGER NOT NULL, value REAL, at TEXT NOT NULL);
"""


def pool_fingerprint(X_pool):
    """SHA-256 of a pool's shape, column names, dtypes and values.

    Parameters
    ----------
    X_pool : array-like, DataFrame or sparse matrix of shape (n_pool, n_features)

    Returns
    -------
    fingerprint : str
        Hex digest; equal pools (same rows in the same order) give equal
        fingerprints. The index of a DataFrame is ignored: rows are
        identified by their position.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.session import pool_fingerprint
    >>> X = np.arange(6.0).reshape(3, 2)
    >>> pool_fingerprint(X) == pool_fingerprint(X.copy())
    True
    >>> pool_fingerprint(X) == pool_fingerprint(X[::-1])
    False
    """
    digest = hashlib.sha256()

    def add(*parts):
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode()
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)

    if isinstance(X_pool, pd.DataFrame):
        add("frame", X_pool.shape, list(map(str, X_pool.columns)))
        add([str(dtype) for dtype in X_pool.dtypes])
        for _, column in X_pool.items():
            hashed = pd.util.hash_pandas_object(column, index=False)
            add(hashed.to_numpy().tobytes())
    elif sp.issparse(X_pool):
        X = sp.csr_matrix(X_pool)
        X.sort_indices()
        add("sparse", X.shape, X.dtype)
        add(X.indptr.tobytes(), X.indices.tobytes(), X.data.tobytes())
    else:
        X = np.asarray(X_pool)
        add("array", X.shape, X.dtype)
        if X.dtype == object:
            frame = pd.DataFrame(X.reshape(X.shape[0], -1))
            for _, column in frame.items():
                add(
                    pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes()
                )
        else:
            add(np.ascontiguousarray(X).tobytes())
    return digest.hexdigest()


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class LabelingSession:
    """A labeling session with a person as the oracle, stored in an SQLite file.

    Opens the session stored at ``path``, or starts one there. The session
    proposes pool rows to label (:meth:`propose`), records every answer the
    moment it is given, in its own transaction (:meth:`answer`), and
    remembers rows that cannot be labeled (:meth:`skip`). Reopened later
    with the same pool, it has every answer and refits the learner from
    them.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        The learner, fitted on your own labeled rows (not on pool rows), or
        unfitted if you have none. The session refits it in place from those
        labels plus every stored answer, now and after each answer. On
        resume, pass the learner fitted on the same own labels as before.
    X_pool : array-like, DataFrame or sparse matrix of shape (n_pool, n_features)
        The rows a person may be asked about. Positions refer to its rows; it
        must be the same rows, in the same order, every time the session is
        opened.
    path : str or path-like
        The session file. Created if missing; an existing file must be a
        skactive session started with the same pool.
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
    fingerprint_ : str
        The pool's fingerprint, as stored in the file.

    Notes
    -----
    Each answer refits the learner on all its labels (as
    :meth:`~skactive.ActiveLearningRegressor.teach` does); per-row fit
    parameters (``sample_weight``) of the learner's own fit are not carried
    into these refits. Stopping criteria that compare rounds start afresh
    when a session is reopened.

    Raises
    ------
    ValueError
        If ``path`` is not a skactive session (another kind of file, another
        SQLite database, a corrupt file), was written by a newer version, or
        was started with a different pool. The file is left untouched.

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
    >>> resumed = LabelingSession(learner, X[10:], path)
    >>> len(resumed.answers_), resumed.learner.n_labeled_
    (3, 13)
    >>> resumed.close()
    """

    def __init__(self, learner, X_pool, path, *, stopping=None):
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
        self.fingerprint_ = pool_fingerprint(X_pool)
        self._criteria = start_criteria(stopping)
        try:
            check_is_fitted(learner)
            self._X_own, self._y_own = _own_labels(learner)
        except NotFittedError:
            self._X_own = self._y_own = None
        # Remember the learner's own labels on the object itself, so reopening
        # a session with the same (since taught) learner does not count the
        # stored answers twice.
        learner.__dict__["_session_own_labels"] = (self._X_own, self._y_own)
        self._connection = self._open()
        try:
            if not self.answers_.empty:
                self._refit()
        except BaseException:
            self.close()
            raise

    # ---------------------------------------------------------------- file

    def _open(self):
        path = self.path
        if os.path.isdir(path):
            raise ValueError(
                f"{path!r} is a directory; pass a file path for the session."
            )
        exists = os.path.exists(path) and os.path.getsize(path) > 0
        if exists:
            _check_header(path)
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            if exists:
                # SQLite rolls back what a killed process left unfinished.
                self._check_contents(connection)
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA journal_mode=DELETE")
            if not exists:
                self._create(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _check_contents(self, connection):
        """Refuse a corrupt session or one of another pool; write nothing."""
        path = self.path
        try:
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise ValueError(
                f"{path!r} is corrupt or not a skactive labeling session ({exc}). "
                "It was left untouched; restore it from a backup or pass a new path."
            ) from exc
        if check != "ok":
            raise ValueError(
                f"{path!r} is corrupt (SQLite integrity check: {check}). It was "
                "left untouched; restore it from a backup."
            )
        if meta.get("fingerprint") != self.fingerprint_:
            raise ValueError(
                f"X_pool is not the pool the session {path!r} was started with "
                f"(that pool had {meta.get('n_pool')} rows and fingerprint "
                f"{str(meta.get('fingerprint'))[:12]}..., this one has "
                f"{self.n_pool_} rows and {self.fingerprint_[:12]}...). Pass the "
                "same rows in the same order, or a new path for a new session."
            )

    def _create(self, connection):
        with _transaction(connection, self.path):
            connection.executescript(
                "BEGIN IMMEDIATE;"
                + _SCHEMA
                + f"PRAGMA application_id={APPLICATION_ID};"
                + f"PRAGMA user_version={FORMAT_VERSION};"
            )
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("application", "skactive labeling session"),
                    ("fingerprint", self.fingerprint_),
                    ("n_pool", str(self.n_pool_)),
                    ("created_at", _now()),
                ],
            )

    def close(self):
        """Close the session file (every answer is already stored)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _db(self):
        if self._connection is None:
            raise ValueError("The session is closed; open it again to go on.")
        return self._connection

    # ------------------------------------------------------------- reading

    @property
    def answers_(self):
        rows = (
            self._db()
            .execute("SELECT position, value FROM answers ORDER BY position")
            .fetchall()
        )
        positions = [int(p) for p, _ in rows]
        return pd.Series(
            [float(v) for _, v in rows],
            index=pd.Index(positions, name="position", dtype="int64"),
            name="answer",
            dtype=float,
        )

    @property
    def skipped_(self):
        rows = self._db().execute("SELECT position FROM skips ORDER BY position")
        return np.array([int(p) for (p,) in rows.fetchall()], dtype=np.intp)

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
        if not _is_fitted(self.learner):
            rng = check_random_state(self.learner.random_state)
            return np.sort(rng.choice(candidates, n, replace=False)).astype(np.intp)
        local = self.learner.query(take_rows(self.X_pool, candidates), n=n)
        return candidates[local]

    def answer(self, position, value):
        """Store the answer for one row and teach the learner.

        The answer is committed to the file, in its own transaction, before
        this returns. Answering a row again corrects the earlier answer;
        answering a skipped row un-skips it.

        Parameters
        ----------
        position : int
            Position into ``X_pool``.
        value : float
            The target; a finite number.

        Returns
        -------
        self : LabelingSession

        Raises
        ------
        ValueError
            For a position outside the pool or a value that is not a finite
            number; nothing is stored.
        OSError
            If the file cannot be written (disk full, read-only); nothing is
            stored and the learner is unchanged.
        """
        return self.answer_many([position], [value])

    def answer_many(self, positions, values):
        """Store several answers in one transaction (all or none), then refit.

        Parameters
        ----------
        positions : sequence of int
        values : sequence of float

        Returns
        -------
        self : LabelingSession
        """
        positions = [self._check_position(p) for p in positions]
        if len(values) != len(positions):
            raise ValueError(
                f"Got {len(positions)} positions but {len(values)} values; pass one "
                "value per position."
            )
        values = [_check_value(v, p) for p, v in zip(positions, values)]
        if len(set(positions)) != len(positions):
            raise ValueError("A position appears twice; give one answer per row.")
        at = _now()
        connection = self._db()
        with _transaction(connection, self.path):
            connection.execute("BEGIN IMMEDIATE")
            _store_answers(connection, positions, values, at)
        self._refit()
        return self

    def skip(self, position):
        """Mark a row as one that cannot be labeled: never proposed again.

        Skipping an answered row withdraws its answer (kept in the file's
        event log).

        Parameters
        ----------
        position : int
            Position into ``X_pool``.

        Returns
        -------
        self : LabelingSession
        """
        return self.skip_many([position])

    def skip_many(self, positions):
        """Skip several rows in one transaction.

        Parameters
        ----------
        positions : sequence of int

        Returns
        -------
        self : LabelingSession
        """
        positions = [self._check_position(p) for p in positions]
        at = _now()
        connection = self._db()
        withdrawn = False
        with _transaction(connection, self.path):
            connection.execute("BEGIN IMMEDIATE")
            for position in positions:
                cursor = connection.execute(
                    "DELETE FROM answers WHERE position = ?", (position,)
                )
                withdrawn = withdrawn or cursor.rowcount > 0
                connection.execute(
                    "INSERT OR REPLACE INTO skips VALUES (?, ?)", (position, at)
                )
                connection.execute(
                    "INSERT INTO events (kind, position, value, at) VALUES "
                    "('skip', ?, NULL, ?)",
                    (position, at),
                )
        if withdrawn:
            self._refit()
        return self

    def import_answers(self, positions, values, skipped=()):
        """Store answers and skips together, in one transaction, then refit.

        Everything is validated first; on any error nothing is stored.

        Parameters
        ----------
        positions : sequence of int
        values : sequence of float
        skipped : sequence of int, default=()

        Returns
        -------
        self : LabelingSession
        """
        positions = [self._check_position(p) for p in positions]
        skipped = [self._check_position(p) for p in skipped]
        if len(values) != len(positions):
            raise ValueError(
                f"Got {len(positions)} positions but {len(values)} values."
            )
        values = [_check_value(v, p) for p, v in zip(positions, values)]
        everything = positions + skipped
        if len(set(everything)) != len(everything):
            raise ValueError("A position appears twice; give one answer per row.")
        at = _now()
        connection = self._db()
        with _transaction(connection, self.path):
            connection.execute("BEGIN IMMEDIATE")
            _store_answers(connection, positions, values, at)
            for position in skipped:
                connection.execute(
                    "DELETE FROM answers WHERE position = ?", (position,)
                )
                connection.execute(
                    "INSERT OR REPLACE INTO skips VALUES (?, ?)", (position, at)
                )
                connection.execute(
                    "INSERT INTO events (kind, position, value, at) VALUES "
                    "('skip', ?, NULL, ?)",
                    (position, at),
                )
        self._refit()
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

    def _check_position(self, position):
        if isinstance(position, (bool, np.bool_)) or not isinstance(position, Integral):
            raise TypeError(f"A position must be an int; got {position!r}.")
        if not 0 <= position < self.n_pool_:
            raise ValueError(
                f"Position {position} is outside the pool (0 to {self.n_pool_ - 1})."
            )
        return int(position)

    def _refit(self):
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
        self.learner.fit(X_all, y_all)

    def __repr__(self):
        return (
            f"LabelingSession(path={self.path!r}, n_pool={self.n_pool_}, "
            f"answered={len(self.answers_)}, skipped={self.skipped_.size})"
        )


class _transaction:
    """Commit on success; on any error roll back, so nothing of it is stored.

    A failed write (disk full, read-only file) becomes an ``OSError`` that
    says nothing was stored.
    """

    def __init__(self, connection, path):
        self.connection = connection
        self.path = path

    def __enter__(self):
        return self.connection

    def _rollback(self):
        if self.connection.in_transaction:
            try:
                self.connection.execute("ROLLBACK")
            except sqlite3.Error:  # SQLite may have rolled back already
                pass

    def _storage_error(self, error):
        return OSError(
            f"Could not write to the session file {self.path!r}: {error}. Nothing "
            "from this call was stored; free disk space (or make the file "
            "writable) and try again."
        )

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            if self.connection.in_transaction:
                try:
                    self.connection.execute("COMMIT")
                except sqlite3.Error as error:
                    self._rollback()
                    raise self._storage_error(error) from error
            return False
        self._rollback()
        if issubclass(exc_type, sqlite3.Error):
            raise self._storage_error(exc) from exc
        return False


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
    return value


def _check_header(path):
    """Read the file's own header (no SQLite connection, nothing written)."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    if header[:16] != _SQLITE_HEADER or len(header) < 100:
        raise ValueError(
            f"{path!r} is not a skactive labeling session (it is not an SQLite "
            "file). It was left untouched; pass a new path to start a session."
        )
    # SQLite header: user_version at byte 60, application_id at byte 68.
    version = int.from_bytes(header[60:64], "big")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID:
        raise ValueError(
            f"{path!r} is not a skactive labeling session (an SQLite database of "
            "another application). It was left untouched; pass a new path to "
            "start a session."
        )
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path!r} was written by a newer skactive (session format {version}, "
            f"this version reads {FORMAT_VERSION}); upgrade skactive."
        )


def _own_labels(learner):
    """The labels a learner had before any session taught it.

    A learner a session has taught carries the labels it started from; they
    count as its own while its labels still begin with them (a learner refit
    on other data since then starts afresh).
    """
    X_own, y_own = learner.__dict__.get("_session_own_labels", (None, None))
    if y_own is not None:
        k = len(y_own)
        if learner.n_labeled_ >= k and np.array_equal(learner.y_labeled_[:k], y_own):
            return X_own, y_own
    return learner.X_labeled_, learner.y_labeled_


def _store_answers(connection, positions, values, at):
    """Write answers (replacing earlier ones and skips) inside an open transaction."""
    for position, value in zip(positions, values):
        connection.execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", (position, value, at)
        )
        connection.execute("DELETE FROM skips WHERE position = ?", (position,))
        connection.execute(
            "INSERT INTO events (kind, position, value, at) VALUES ('answer', ?, ?, ?)",
            (position, value, at),
        )
