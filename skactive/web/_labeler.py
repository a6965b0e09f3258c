"""What the labeling page asks of the server, without any web machinery:
hand each client its own row, store answers (validated, one writer), undo,
and report progress (labels, error, learning curve, stopping advice)."""

import re
import time

from ._adapter import Implausible, Store
from ._format import format_number, parse_answer
from ._leases import Leases
from ._progress import Progress
from ._rowview import RowView

__all__ = ["SETTINGS", "Labeler", "Refused"]

# The labeler's settings and their defaults (``serve`` passes them on).
SETTINGS = {
    "target": "target",
    "X_display": None,
    "describe_row": None,
    "y_own": None,
    "batch": 5,
    "lease_timeout": 30.0,
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

    def __init__(self, session, *, clock=time.monotonic, **settings):
        unknown = sorted(set(settings) - set(SETTINGS))
        if unknown:
            raise TypeError(f"Labeler got unknown settings {unknown}.")
        settings = {**SETTINGS, **settings}
        self.session = session
        self.target = str(settings["target"])
        self.store = Store(session, settings["y_own"])
        self.leases = Leases(settings["lease_timeout"], clock)
        self.rows = RowView(session, settings["X_display"], settings["describe_row"])
        self.describe_row = self.rows.describe_row
        self._answered_by = {}  # position -> annotator, this run
        self._mine = {}  # client -> positions it answered, oldest first
        self._correcting = {}  # client -> position it may answer again (undo)
        self._progress = Progress(session, self.store, self.leases, settings["batch"])
        self._backfill = self._progress.backfill

    # ---------------------------------------------------------------- rows

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

    def _changed(self):
        if self._progress.changed():
            self.rows.reorder()

    def progress(self):
        """Labels so far, the error estimate, the curve and the advice."""
        return self._progress.report()

    def _payload(self, client, position, *, previous=None):
        row = None if position is None else self.rows.row(position, previous=previous)
        return {
            "row": row,
            "progress": self.progress(),
            "undo": bool(self._mine.get(client)),
        }

    def describe(self):
        """What the page needs once: the target's name and the columns."""
        return {"target": self.target, "n_columns": len(self.rows.order)}
