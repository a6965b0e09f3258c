"""How the labeling goes: labels so far, the error estimate, the learning
curve (redrawn for answers of earlier runs) and the advice to stop."""

import threading

import numpy as np

from .._metrics import estimate_error
from .._rows import take_rows
from .._session_learner import all_labels, fit_copy, is_fitted
from ._format import format_about

__all__ = ["Progress"]

_ADVICE = {
    "predictions stabilized": "Answers have stopped changing the model: you can stop.",
    "label budget reached": "You have the number of labels you asked for: you can stop.",
    "target error reached": "The model is as accurate as you asked: you can stop.",
    "pool score": "No row left would teach the model much: you can stop.",
}


def _error_estimate(learner):
    try:
        return estimate_error(learner)
    except (AttributeError, ValueError, TypeError):
        return None, None


class Progress:
    """The progress of a labeling session, as the page reports it.

    Parameters
    ----------
    session : LabelingSession
    store : Store
        The session's answers, as the server reads them.
    leases : Leases
        Who holds a row now (to count the annotators).
    batch : int
        Answers between two checks of the stopping criteria.
    """

    def __init__(self, session, store, leases, batch):
        self.session = session
        self.store = store
        self.leases = leases
        self.batch = int(batch)
        self._since_check = 0
        self._stopping = None
        self._curve = []
        self._earlier = []  # the curve before this run, refit in the background
        self._record_point()
        self.backfill = self._start_backfill()

    def _n_labels(self):
        learner = self.session.learner
        return int(learner.n_labeled_) if is_fitted(learner) else 0

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

        Copies of the learner are fit on growing shares of the labels (the
        learner's own, then the stored answers) in a background thread: the
        session itself is not touched.
        """
        learner = self.session.learner
        answers = self.store.answers()
        if answers.empty or not is_fitted(learner):
            return None
        n_now = self._n_labels()
        n_own = n_now - len(answers)
        X_own = learner.X_labeled_[:n_own] if n_own > 0 else None
        y_own = learner.y_labeled_[:n_own] if n_own > 0 else None
        X_all, y_all = all_labels(X_own, y_own, self.session.X_pool, answers)
        start = max(n_own, 5)
        if n_now - start < 1:
            return None
        sizes = sorted(set(np.linspace(start, n_now, n_points).astype(int)) - {n_now})

        def fill():
            for size in sizes:
                try:
                    model = fit_copy(
                        learner, take_rows(X_all, np.arange(size)), y_all[:size]
                    )
                except (ValueError, ArithmeticError):
                    return
                error, _ = _error_estimate(model)
                if error is not None:
                    self._earlier = self._earlier + [[int(size), error]]

        thread = threading.Thread(target=fill, name="skactive-curve", daemon=True)
        thread.start()
        return thread

    def changed(self):
        """Note a change of the labels; True when the criteria were checked."""
        self._record_point()
        self._since_check += 1
        if self._since_check < self.batch:
            return False
        self._since_check = 0
        reason = self.session.check_stopping()
        if reason:
            self._stopping = reason
        return True

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

    def report(self):
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
