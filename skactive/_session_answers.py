"""Answering: the writes of a labeling session, each in one transaction.

Every write (answers, skips, withdrawals) is validated first, then written,
then the learner is refit from what the transaction holds, and only then
committed: on any error nothing is stored and the session's learner is the
one it had.
"""

import datetime
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone

from ._row_identity import describe_row
from ._session_learner import all_labels, fit_copy
from ._store import Transaction, is_teachable_value

__all__ = ["ImplausibleAnswerError"]

_FLOAT32_MAX = float(np.finfo(np.float32).max)
# An answer further than this many label ranges outside the labels so far
# needs confirm=True; checked once there are this many labels.
_PLAUSIBLE_RANGES, _PLAUSIBLE_MIN_LABELS = 5, 5


class ImplausibleAnswerError(ValueError):
    """An answer far outside the labels so far: stored only with ``confirm=True``."""


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class _Answering:
    """The writing methods of :class:`~skactive.LabelingSession`."""

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
            Positions into ``X_pool``, each at most once.
        values : sequence of float
            One answer per position, checked as in :meth:`answer`.
        annotator : str, default=None
            Who answered; stored with each answer.
        confirm : bool, default=False
            See :meth:`answer`.

        Returns
        -------
        self : LabelingSession
            The session, with every answer stored or, on an error, none.
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
            The session, with the row back among those to label.

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

    def _write(self, answers, skips, forgets, annotator):
        """One transaction: write, refit from it, commit; or nothing at all.

        The refit fits a new learner (``_session_learner``); the session
        takes it only once the commit succeeded, so a failed refit or a
        failed commit leaves ``self.learner`` as it was.
        """
        at = _now()
        connection = self._db()
        refit = bool(answers or forgets)
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
            # Fit from what the transaction holds; if that fails, the
            # transaction rolls back and nothing is stored.
            learner = self._fitted_learner(checking=True) if refit else None
        if learner is not None:
            self.learner = learner

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

    def _fitted_learner(self, checking=False):
        """A new learner fit on its own labels plus every stored answer.

        With no label at all, an unfitted copy: the session's learner never
        keeps labels that were withdrawn.
        """
        X, y = all_labels(self._X_own, self._y_own, self.X_pool, self.answers_)
        if X is None:
            return clone(self.learner)
        try:
            return fit_copy(self.learner, X, y)
        except (ValueError, ArithmeticError) as exc:
            if not checking:
                raise
            raise ValueError(
                f"The learner cannot be fit with this answer ({exc}); nothing was "
                "stored. Check the value."
            ) from exc


def _event(connection, kind, position, value, at, row_id, annotator):
    connection.execute(
        "INSERT INTO events (kind, position, value, at, row_id, annotator) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (kind, position, value, at, row_id, annotator),
    )


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
