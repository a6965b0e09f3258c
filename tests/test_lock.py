"""Tests of skactive/_lock.py: the one-writer lock of a session file."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from session_helpers import ROOT, learner

from skactive import LabelingSession
from skactive._lock import acquire_lock, release_lock


def test_second_opener_in_the_same_process_is_refused(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    first = LabelingSession(learner(X0, y0), Xp, path)
    with pytest.raises(OSError, match=rf"{path}.*in use by another process"):
        LabelingSession(learner(X0, y0), Xp, path)
    first.close()
    LabelingSession(learner(X0, y0), Xp, path).close()


HOLDER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from sklearn.datasets import make_friedman1
    from sklearn.ensemble import RandomForestRegressor
    from skactive import ActiveLearningRegressor, LabelingSession

    X, y = make_friedman1(n_samples=60, random_state=0)
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=3, random_state=0), random_state=0
    ).fit(X[:10], y[:10])
    session = LabelingSession(learner, X[10:], {path!r})
    session.answer(0, float(y[10]))
    print("holding", flush=True)
    time.sleep(120)
    """
)


def test_lock_holds_across_processes_and_dies_with_sigkill(tmp_path):
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=60, random_state=0)
    path = tmp_path / "s.db"
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=str(ROOT), path=str(path))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline() == "holding\n"
        base = learner(X[:10], y[:10])
        with pytest.raises(
            OSError, match=rf"in use by another process \(pid {child.pid}\)"
        ):
            LabelingSession(base, X[10:], path)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    with LabelingSession(learner(X[:10], y[:10]), X[10:], path) as session:
        assert session.answers_.to_dict() == {0: float(y[10])}


def test_lock_is_exclusive_notes_its_holder_and_is_released(tmp_path):
    lock_path = tmp_path / "s.db.lock"
    handle = acquire_lock("s.db", lock_path)
    assert lock_path.read_text() == f"pid {os.getpid()}\n"
    with pytest.raises(
        OSError, match=rf"'s.db' is in use by another process \(pid {os.getpid()}\)"
    ):
        acquire_lock("s.db", lock_path)
    release_lock(handle)
    assert handle.closed
    again = acquire_lock("s.db", lock_path)  # free once released
    release_lock(again)


def test_lock_file_that_cannot_be_created_says_why(tmp_path):
    lock_path = tmp_path / "no such folder" / "s.db.lock"
    with pytest.raises(OSError, match="lock file .* cannot be created"):
        acquire_lock("s.db", lock_path)
    assert not lock_path.parent.exists()
