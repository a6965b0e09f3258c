"""Tests of skactive/session.py: proposing rows, stopping, answers that survive SIGKILL."""

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from session_helpers import ROOT, learner
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, LabelBudget, LabelingSession


def test_propose_answer_skip(data, tmp_path):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(X0, y0), Xp, tmp_path / "s.db")
    first = session.propose(3)
    assert first.shape == (3,) and len(set(first)) == 3
    session.answer(int(first[0]), yp[first[0]])
    session.skip(int(first[1]))
    assert session.learner.n_labeled_ == 41
    assert list(session.answers_.index) == [first[0]]
    assert session.answers_.iloc[0] == pytest.approx(yp[first[0]])
    assert list(session.skipped_) == [first[1]]
    for _ in range(5):
        batch = session.propose(20)
        assert not set(batch) & {first[0], first[1]}
        for position in batch:
            session.answer(int(position), yp[position])
    assert session.learner.n_labeled_ == 141
    assert session.remaining().size == 200 - 101 - 1


def test_unfitted_learner_starts_at_random(data, tmp_path):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(), Xp, tmp_path / "s.db")
    first = session.propose(5)
    assert first.shape == (5,)
    for position in first:
        session.answer(int(position), yp[position])
    assert session.learner.n_labeled_ == 5
    assert not set(session.propose(5)) & set(first)


def test_pool_exhausted_and_small_pool(data, tmp_path):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(X0, y0), Xp[:4], tmp_path / "s.db")
    assert sorted(session.propose(10)) == [0, 1, 2, 3]
    session.import_answers([0, 1, 2], yp[:3], skipped=[3])
    assert session.propose(2).size == 0


def test_check_stopping(data, tmp_path):
    X0, y0, Xp, yp = data
    session = LabelingSession(
        learner(X0, y0), Xp, tmp_path / "s.db", stopping=LabelBudget(43)
    )
    assert session.check_stopping() is None
    session.import_answers([0, 1, 2], yp[:3])
    assert (
        session.check_stopping() == "label budget reached: 43 labels >= max_labels=43"
    )


def test_budget_learner_is_refused(data, tmp_path):
    X0, y0, Xp, yp = data
    with pytest.raises(ValueError, match="budget=None"):
        LabelingSession(learner().set_params(budget=10), Xp, tmp_path / "s.db")
    assert not (tmp_path / "s.db").exists()


# -------------------------------------------------------------------- SIGKILL

CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from sklearn.datasets import make_friedman1
    from sklearn.ensemble import RandomForestRegressor
    from skactive import ActiveLearningRegressor, LabelingSession

    X, y = make_friedman1(n_samples=400, noise=0.5, random_state=0)
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=3, random_state=0), random_state=0
    ).fit(X[:10], y[:10])
    session = LabelingSession(learner, X[10:], {path!r})
    start = len(session.answers_)

    class Stall:
        # Stands in for the connection; stalls inside the transaction of
        # position {stall} so the kill lands between BEGIN and COMMIT.
        def __init__(self, inner):
            self.inner = inner
            self.in_transaction_stall = False

        @property
        def in_transaction(self):
            return self.inner.in_transaction

        def execute(self, sql, *params):
            result = self.inner.execute(sql, *params)
            if sql.startswith("INSERT OR REPLACE INTO answers") and params[0][2] == {stall}:
                print("inside", flush=True)
                time.sleep(60)
            return result

        def close(self):
            self.inner.close()

    session._connection = Stall(session._connection)
    for position in range(start, 390):
        session.answer(position, float(y[10 + position]))
        print("answered", position, flush=True)
    """
)


def run_and_kill(path, stall, kill_after):
    """Start a child that answers rows in order; SIGKILL it at a chosen moment."""
    script = CHILD.format(root=str(ROOT), path=str(path), stall=stall)
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    )
    answered = []
    deadline = time.monotonic() + 60
    try:
        for line in child.stdout:
            if line.startswith("answered"):
                answered.append(int(line.split()[1]))
            if kill_after(line, answered) or time.monotonic() > deadline:
                break
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return answered


def test_sigkill_mid_answering_loses_no_given_answer(tmp_path):
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=400, noise=0.5, random_state=0)
    path = tmp_path / "s.db"
    # 1) Killed while answering (between answers, or during one).
    given = run_and_kill(path, stall=-1, kill_after=lambda line, done: len(done) >= 15)
    # 2) Killed inside the transaction of one answer (hot journal left behind).
    stall = 40
    more = run_and_kill(
        path, stall=stall, kill_after=lambda line, done: line == "inside\n"
    )
    assert Path(str(path) + "-journal").exists()
    base = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=3, random_state=0), random_state=0
    ).fit(X[:10], y[:10])
    with LabelingSession(base, X[10:], path) as session:
        answers = session.answers_
        assert set(given) | set(more) <= set(answers.index)
        # Every stored answer is the value given, and nothing else was stored:
        # answers are the prefix 0..k, without the row killed mid-transaction.
        assert list(answers.index) == list(range(stall))
        np.testing.assert_array_equal(answers.to_numpy(), y[10 : 10 + stall])
        assert session.learner.n_labeled_ == 10 + stall
        # The session goes on: the next answer is stored as usual.
        session.answer(stall, float(y[10 + stall]))
    with LabelingSession(base, X[10:], path) as session:
        assert list(session.answers_.index) == list(range(stall + 1))
