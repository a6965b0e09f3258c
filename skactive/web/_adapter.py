"""The labeling store, as the server needs it, across versions of
:class:`~skactive.LabelingSession`.

The store is growing (annotators, confirmation of implausible values,
``forget``); this adapter uses each feature when the session has it and a
safe stand-in otherwise, so the server works with either.
"""

import inspect
import math

import numpy as np

__all__ = ["Implausible", "Store"]

# Beyond this the learner's arithmetic (squares in a forest's impurity) overflows.
_LARGEST = 1e150


class Implausible(ValueError):
    """A value far outside anything seen so far; stored only when confirmed."""


def _accepts(method, name):
    try:
        return name in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


class Store:
    """Answers, skips and withdrawals on a session, validated first.

    Parameters
    ----------
    session : LabelingSession
    y_own : array-like, default=None
        The labels the learner started from (to judge what is plausible).
    """

    def __init__(self, session, y_own=None):
        self.session = session
        self.y_own = None if y_own is None else np.asarray(y_own, dtype=float)
        self._annotated = _accepts(session.answer, "annotator")
        self._confirmable = _accepts(session.answer, "confirm")
        self._skip_annotated = _accepts(session.skip, "annotator")
        self.can_forget = callable(getattr(session, "forget", None))

    # ------------------------------------------------------------ reading

    def answers(self):
        return self.session.answers_

    def remaining(self):
        return self.session.remaining()

    # ---------------------------------------------------------- validating

    def check(self, value, *, confirm=False):
        """Refuse what cannot be taught; flag what is implausible.

        Raises
        ------
        ValueError
            For a value that is not finite or too large to learn from.
        Implausible
            For a value far outside the labels so far, unless ``confirm``.
        """
        if not math.isfinite(value):
            raise ValueError(
                f"{value} is not a finite number; type a number (or skip the row)."
            )
        if abs(value) > _LARGEST:
            raise ValueError(
                f"{value:g} is too large for the model to learn from; check the "
                "number (or skip the row)."
            )
        if confirm:
            return value
        known = list(self.answers().to_numpy(dtype=float))
        if self.y_own is not None:
            known += list(self.y_own)
        if len(known) >= 3:
            low, high = min(known), max(known)
            span = max(high - low, abs(high), abs(low), 1e-12)
            if value < low - 10 * span or value > high + 10 * span:
                raise Implausible(
                    f"{value:,.6g} is far outside every label so far "
                    f"({low:,.6g} to {high:,.6g}). If it is right, confirm it."
                )
        return value

    # ------------------------------------------------------------- writing

    def answer(self, position, value, *, annotator=None, confirm=False):
        """Validate, then store (committed before this returns)."""
        # A store that checks plausibility itself is the one judge of it.
        value = self.check(value, confirm=confirm or self._confirmable)
        kwargs = {}
        if self._annotated:
            kwargs["annotator"] = annotator
        if self._confirmable:
            kwargs["confirm"] = confirm
        try:
            self.session.answer(int(position), value, **kwargs)
        except ValueError as exc:
            if self._confirmable and not confirm and "confirm" in str(exc).lower():
                # The store's words are for Python callers ("confirm=True").
                reason = str(exc).split(" Nothing was stored")[0]
                raise Implausible(
                    f"{reason.rstrip('.')}. If it is right, confirm it."
                ) from exc
            raise
        return value

    def annotator_of(self, position):
        """Who gave the stored answer of ``position``, when the store knows."""
        annotators = getattr(self.session, "annotators_", None)
        if annotators is None or position not in annotators.index:
            return None
        return annotators.loc[position]

    def skip(self, position, *, annotator=None):
        kwargs = {"annotator": annotator} if self._skip_annotated else {}
        self.session.skip(int(position), **kwargs)

    def forget(self, position):
        """Withdraw an answer (the row goes back to the pool)."""
        self.session.forget(int(position))
