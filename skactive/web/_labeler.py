"""What the labeling page asks of the server, without any web machinery:
hand each client its own row, store answers (validated, one writer), undo,
and report progress (labels, error, learning curve, stopping advice)."""

import re
import threading
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from .._rows import concat_rows, take_rows
from ._adapter import Implausible, Store
from ._columns import column_order
from ._format import (
    code_like,
    format_about,
    format_cell,
    format_guess,
    format_number,
    parse_answer,
)
from ._leases import Leases

__all__ = ["Labeler", "Refused"]

N_TOP_COLUMNS = 6

_ADVICE = {
    "predictions stabilized": "Answers have stopped changing the model: you can stop.",
    "label budget reached": "You have the number of labels you asked for: you can stop.",
    "target error reached": "The model is as accurate as you asked: you can stop.",
    "pool score": "No row left would teach the model much: you can stop.",
}


class Refused(Exception):
    """A request the labeler turns down; nothing was stored.

    Parameters
    ----------
    status : int
        The HTTP status that fits (409 conflict, 422 invalid, 503 storage).
    message : str
        What happened and what to do, for the person.
    needs_confirm : bool, default=False
        The value is implausible and may be stored if the person confirms it.
    """

    def __init__(self, status, message, *, needs_confirm=False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.needs_confirm = needs_confirm


def _is_fitted(learner):
    try:
        check_is_fitted(learner)
    except NotFittedError:
        return False
    return True


def _error_estimate(learner):
    from .._metrics import estimate_error

    try:
        return estimate_error(learner)
    except (AttributeError, ValueError, TypeError):
        return None, None


def _for_people(exc):
    """The store's message, with its pool positions (internal) left out."""
    return re.sub(r" for position \d+", " for this row", str(exc))


class Labeler:
    """The server's side of labeling: leases, answers, undo, progress.

    Parameters
    ----------
    session : LabelingSession
        The open session; the labeler is its only writer.
    target : str, default="target"
        What the person types (the target's name), for messages.
    X_display : DataFrame, default=None
        The pool as the person should see it (one row per pool position).
        None: the session's pool, with the learner's feature names.
    describe_row : callable, default=None
        ``describe_row(position) -> str``, a title such as "Row 12 of
        pool.csv (line 14)".
    y_own : array-like, default=None
        The learner's own labels, to judge which answers are plausible.
    batch : int, default=5
        Answers between two checks of the stopping criteria.
    lease_timeout : float, default=30
        Seconds a row stays with a tab that stopped sending heartbeats.
    clock : callable, default=time.monotonic
    """

    def __init__(
        self,
        session,
        *,
        target="target",
        X_display=None,
        describe_row=None,
        y_own=None,
        batch=5,
        lease_timeout=30.0,
        clock=time.monotonic,
    ):
        self.session = session
        self.target = str(target)
        self.store = Store(session, y_own)
        self.leases = Leases(lease_timeout, clock)
        self.X_display = X_display
        self.describe_row = describe_row or (lambda p: f"Row {p + 1} of the pool")
        self.batch = int(batch)
        self._answered_by = {}  # position -> annotator, this run
        self._mine = {}  # client -> positions it answered, oldest first
        self._correcting = {}  # client -> position it may answer again (undo)
        self._since_check = 0
        self._stopping = None
        self._curve = []
        self._earlier = []  # the curve before this run, refit in the background
        self._order = self._column_order()
        self._record_point()
        self._backfill = self._start_backfill()

    # ---------------------------------------------------------------- rows

    def _columns(self):
        if isinstance(self.X_display, pd.DataFrame):
            return list(self.X_display.columns)
        X = self.session.X_pool
        if isinstance(X, pd.DataFrame):
            return list(X.columns)
        names = getattr(self.session.learner, "feature_names_in_", None)
        if names is not None:
            return [str(n) for n in names]
        return [f"x{i}" for i in range(X.shape[1])]

    def _values(self, position):
        if isinstance(self.X_display, pd.DataFrame):
            return list(self.X_display.iloc[position])
        row = take_rows(self.session.X_pool, [position])
        if isinstance(row, pd.DataFrame):
            return list(row.iloc[0])
        if sp.issparse(row):
            row = row.toarray()
        return list(np.asarray(row).reshape(-1))

    def _column_order(self):
        columns = self._columns()
        index = {name: i for i, name in enumerate(columns)}
        return [
            (name, index[name]) for name in column_order(self.session.learner, columns)
        ]

    def _guess(self, position):
        learner = self.session.learner
        if not _is_fitted(learner):
            return None, None
        X = take_rows(self.session.X_pool, [position])
        try:
            mean, std = learner.predict(X, return_std=True)
            return float(mean[0]), float(std[0])
        except (ValueError, TypeError):
            return float(learner.predict(X)[0]), None

    def _row(self, position, *, previous=None):
        values = self._values(position)
        guess, likely = format_guess(*self._guess(position))
        return {
            "position": int(position),
            "title": self.describe_row(int(position)),
            "columns": [
                {
                    "name": str(name),
                    "text": format_cell(values[i], grouped=not code_like(name)),
                }
                for name, i in self._order
            ],
            "n_top": min(N_TOP_COLUMNS, len(self._order)),
            "guess": guess,
            "range": likely,
            "previous": None if previous is None else format_number(previous),
        }

    def _open(self, position, client):
        """Whether ``client`` may answer ``position`` now (else why not)."""
        holder = self.leases.holder(position)
        if holder is not None and holder != client:
            return "is being labeled by another annotator"
        answers = self.store.answers()
        if position in answers.index and self._correcting.get(client) != position:
            by = self._answered_by.get(position) or self.store.annotator_of(position)
            return "already has an answer" + (f" (from {by})" if by else "")
        if position in set(self.session.skipped_.tolist()):
            if self._correcting.get(client) != position:
                return "was skipped"
        return None

    def _pick(self, client):
        taken = self.leases.taken(except_client=client)
        remaining = self.store.remaining()
        free = [p for p in remaining.tolist() if p not in taken]
        if not free:
            return None
        k = min(len(taken) + 1, remaining.size)
        for position in self.session.propose(k).tolist():
            if position not in taken:
                return int(position)
        return int(free[0])

    # ------------------------------------------------------------ requests

    def next(self, client):
        """The row ``client`` should see now: the one it holds, or a new one."""
        held = self.leases.held_by(client)
        if held is not None and self._open(held, client) is None:
            self.leases.renew(client)
            return self._payload(client, held)
        position = self._pick(client)
        if position is None:
            self.leases.release(client)
            return self._payload(client, None)
        self.leases.grant(client, position)
        return self._payload(client, position)

    def answer(self, client, annotator, position, text, *, confirm=False):
        """Validate and store one answer, then hand out the next row."""
        position = self._position(position)
        try:
            value = parse_answer(text)
        except ValueError as exc:
            raise Refused(422, str(exc)) from None
        problem = self._open(position, client)
        if problem is not None:
            raise Refused(
                409,
                f"{self.describe_row(position)} {problem}; your answer was not "
                "stored. Here is another row.",
            )
        try:
            self.store.answer(position, value, annotator=annotator, confirm=confirm)
        except Implausible as exc:
            raise Refused(422, _for_people(exc), needs_confirm=True) from None
        except ValueError as exc:
            message = _for_people(exc)
            if "nothing was stored" not in message.lower():
                message += " Nothing was stored."
            raise Refused(422, message) from None
        except OSError as exc:
            raise Refused(503, f"NOT saved: {exc}") from None
        self._answered_by[position] = annotator
        mine = self._mine.setdefault(client, [])
        if position in mine:
            mine.remove(position)
        mine.append(position)
        self._correcting.pop(client, None)
        self.leases.release(client)
        self._changed()
        payload = self.next(client)
        payload["saved"] = {
            "position": position,
            "title": self.describe_row(position),
            "text": format_number(value),
        }
        return payload

    def skip(self, client, annotator, position):
        """Mark a row as one nobody can label; hand out the next row."""
        position = self._position(position)
        problem = self._open(position, client)
        if problem is not None:
            raise Refused(409, f"{self.describe_row(position)} {problem}; not skipped.")
        withdrawn = position in self.store.answers().index
        try:
            self.store.skip(position, annotator=annotator)
        except OSError as exc:
            raise Refused(503, f"NOT saved: {exc}") from None
        self._correcting.pop(client, None)
        if position in self._mine.get(client, []):
            self._mine[client].remove(position)
        self.leases.release(client)
        if withdrawn:
            self._changed()
        payload = self.next(client)
        payload["skipped"] = {
            "position": position,
            "title": self.describe_row(position),
        }
        return payload

    def undo(self, client):
        """Bring back the last row ``client`` answered, to answer it again.

        With a store that can forget, the answer is withdrawn at once; with
        one that cannot, the row comes back with its answer, and the next
        answer replaces it.
        """
        answers = self.store.answers()
        mine = self._mine.get(client, [])
        while mine and mine[-1] not in answers.index:
            mine.pop()
        if not mine:
            raise Refused(409, "You have no answer to undo in this run of the server.")
        position = mine.pop()
        previous = float(answers.loc[position])
        if self.store.can_forget:
            try:
                self.store.forget(position)
            except OSError as exc:
                raise Refused(503, f"NOT undone: {exc}") from None
            self._answered_by.pop(position, None)
            self._changed()
        else:
            self._correcting[client] = position
        self.leases.release(client)
        self.leases.grant(client, position)
        payload = self._payload(client, position, previous=previous)
        payload["undone"] = {"position": position, "title": self.describe_row(position)}
        return payload

    def heartbeat(self, client):
        """Keep ``client``'s row; report progress (others' answers too)."""
        held = self.leases.renew(client)
        return {"held": held, "progress": self.progress()}

    # ------------------------------------------------------------ progress

    def _position(self, position):
        if isinstance(position, bool) or not isinstance(position, int):
            raise Refused(422, f"position must be an integer; got {position!r}.")
        if not 0 <= position < self.session.n_pool_:
            raise Refused(422, f"position {position} is outside the pool.")
        return position

    def _n_labels(self):
        learner = self.session.learner
        return int(learner.n_labeled_) if _is_fitted(learner) else 0

    def _record_point(self):
        error, _ = _error_estimate(self.session.learner)
        if error is None:
            return
        point = [self._n_labels(), error]
        if self._curve and self._curve[-1][0] == point[0]:
            self._curve[-1] = point
        else:
            self._curve.append(point)

    def _start_backfill(self, n_points=8):
        """Redraw the curve of the answers stored before this run.

        Clones of the learner are fit on growing shares of the labels (the
        learner's own, then the stored answers) in a background thread, on
        copies of the data: the session itself is not touched.
        """
        learner = self.session.learner
        answers = self.store.answers()
        if answers.empty or not _is_fitted(learner):
            return None
        n_now = self._n_labels()
        n_own = n_now - len(answers)
        rows = take_rows(self.session.X_pool, answers.index.to_numpy(dtype=np.intp))
        if n_own > 0:
            X_all = concat_rows(learner.X_labeled_[:n_own], rows)
            y_all = np.concatenate(
                [learner.y_labeled_[:n_own], answers.to_numpy(dtype=float)]
            )
        else:
            X_all, y_all = rows, answers.to_numpy(dtype=float)
        start = max(n_own, 5)
        if n_now - start < 1:
            return None
        sizes = sorted(set(np.linspace(start, n_now, n_points).astype(int)) - {n_now})

        def fill():
            for size in sizes:
                try:
                    model = clone(learner).fit(
                        take_rows(X_all, np.arange(size)), y_all[:size]
                    )
                except (ValueError, ArithmeticError):
                    return
                error, _ = _error_estimate(model)
                if error is not None:
                    self._earlier = self._earlier + [[int(size), error]]

        thread = threading.Thread(target=fill, name="skactive-curve", daemon=True)
        thread.start()
        return thread

    def _changed(self):
        self._record_point()
        self._since_check += 1
        if self._since_check >= self.batch:
            self._since_check = 0
            self._order = self._column_order()
            reason = self.session.check_stopping()
            if reason:
                self._stopping = reason

    def _advice(self):
        if self._stopping:
            for start, advice in _ADVICE.items():
                if self._stopping.startswith(start):
                    return {"advice": advice, "reason": self._stopping}
            return {"advice": "You can stop.", "reason": self._stopping}
        if self.store.remaining().size == 0:
            return {
                "advice": "Every row is answered or skipped: you are done.",
                "reason": "",
            }
        return None

    def progress(self):
        """Labels so far, the error estimate, the curve and the advice."""
        n_answered = len(self.store.answers())
        n_labels = self._n_labels()
        error, method = _error_estimate(self.session.learner)
        if error is None:
            estimate = {
                "text": "not yet",
                "sentence": "The error is estimated once the model has 5 labels.",
            }
        else:
            estimate = {
                "text": format_about(error, digits=3),
                "sentence": (
                    f"A typical guess is off by about {format_about(error)}"
                    f" ({method}: each tree is scored on the labeled rows it did not "
                    "learn from); it can rise for a while, because the rows you are "
                    "asked about are the hardest ones."
                ),
            }
        return {
            "n_labels": n_labels,
            "n_answered": n_answered,
            "n_own": max(n_labels - n_answered, 0),
            "n_skipped": int(self.session.skipped_.size),
            "n_remaining": int(self.store.remaining().size),
            "n_annotators": len(self.leases),
            "error": estimate,
            "curve": self._curve_points(),
            "stopping": self._advice(),
        }

    def _curve_points(self):
        first = self._curve[0][0] if self._curve else float("inf")
        earlier = [p for p in self._earlier if p[0] < first]
        return [[int(n), float(e)] for n, e in earlier + self._curve]

    def _payload(self, client, position, *, previous=None):
        row = None if position is None else self._row(position, previous=previous)
        return {
            "row": row,
            "progress": self.progress(),
            "undo": bool(self._mine.get(client)),
        }

    def describe(self):
        """What the page needs once: the target's name and the columns."""
        return {"target": self.target, "n_columns": len(self._order)}
