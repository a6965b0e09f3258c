"""The session file: refusing files that are not sessions (untouched),
upgrading format 1, storage errors, and the one-writer lock."""

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from session_helpers import ROOT, digest, learner

from skactive import LabelingSession
from skactive.session import FORMAT_VERSION, pool_fingerprint

# ----------------------------------------------------------------- file safety


@pytest.fixture
def data(split):
    X0, y0, Xp, yp, _, _ = split
    return X0, y0, Xp, yp


def test_foreign_text_file_is_refused_untouched(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "notes.db"
    path.write_text("my thesis notes\n" * 20)
    before, mtime = digest(path), path.stat().st_mtime_ns
    with pytest.raises(
        ValueError, match="not a skactive labeling session.*not an SQLite"
    ):
        LabelingSession(learner(X0, y0), Xp, path)
    assert digest(path) == before and path.stat().st_mtime_ns == mtime


def test_other_sqlite_database_is_refused_untouched(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(ValueError, match="another application"):
        LabelingSession(learner(X0, y0), Xp, path)
    assert digest(path) == before
    assert not Path(str(path) + "-journal").exists()


@pytest.mark.parametrize("damage", ["truncate", "scribble"])
def test_corrupt_session_is_refused_untouched(data, tmp_path, damage):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0, y0), Xp, path) as session:
        session.import_answers(list(range(150)), yp[:150])
    raw = bytearray(path.read_bytes())
    assert len(raw) > 4096
    if damage == "truncate":
        raw = raw[: len(raw) // 2 + 7]
    else:
        raw[150 : len(raw)] = b"\xff" * (len(raw) - 150)
    path.write_bytes(bytes(raw))
    before = digest(path)
    with pytest.raises(ValueError, match="corrupt"):
        LabelingSession(learner(X0, y0), Xp, path)
    assert digest(path) == before


def test_newer_format_is_refused(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    LabelingSession(learner(X0, y0), Xp, path).close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version=99")
    connection.close()
    with pytest.raises(ValueError, match="newer skactive"):
        LabelingSession(learner(X0, y0), Xp, path)


def test_directory_is_refused(data, tmp_path):
    X0, y0, Xp, yp = data
    with pytest.raises(ValueError, match="directory"):
        LabelingSession(learner(X0, y0), Xp, tmp_path)


# ------------------------------------------------------------ format 1 upgrade

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE answers (
    position INTEGER PRIMARY KEY, value REAL NOT NULL, answered_at TEXT NOT NULL);
CREATE TABLE skips (position INTEGER PRIMARY KEY, skipped_at TEXT NOT NULL);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
    position INTEGER NOT NULL, value REAL, at TEXT NOT NULL);
"""


def make_v1_session(path, X_pool, answers, skips):
    """A session file as skactive wrote it before row identities (format 1)."""
    connection = sqlite3.connect(path)
    connection.executescript(
        V1_SCHEMA + f"PRAGMA application_id={0x736B414C}; PRAGMA user_version=1;"
    )
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("application", "skactive labeling session"),
            ("fingerprint", pool_fingerprint(X_pool)),
            ("n_pool", str(len(X_pool))),
            ("created_at", "2026-11-01T00:00:00"),
        ],
    )
    for position, value in answers.items():
        connection.execute("INSERT INTO answers VALUES (?, ?, 't')", (position, value))
        connection.execute(
            "INSERT INTO events (kind, position, value, at) VALUES ('answer', ?, ?, 't')",
            (position, value),
        )
    for position in skips:
        connection.execute("INSERT INTO skips VALUES (?, 't')", (position,))
    connection.commit()
    connection.close()


def test_format_1_file_is_upgraded_keeping_every_answer(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "old.db"
    make_v1_session(path, Xp, {3: 2.0, 5: 1e308, 7: 1.5}, [9])
    before = digest(path)
    with pytest.raises(ValueError, match=r"older skactive \(format 1\)"):
        LabelingSession(learner(X0, y0), Xp[1:], path)
    assert digest(path) == before
    # With its own pool it is upgraded; the 1e308 typo that locked the user
    # out is withdrawn (kept in the event log) with a warning.
    with pytest.warns(UserWarning, match=r"withdrew 1 stored answer.*\(5, 1e\+308\)"):
        session = LabelingSession(learner(X0, y0), Xp, path)
    assert session.answers_.to_dict() == {3: 2.0, 7: 1.5}
    assert list(session.skipped_) == [9] and session.learner.n_labeled_ == 42
    session.close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
    kinds = [k for (k,) in connection.execute("SELECT kind FROM events ORDER BY id")]
    connection.close()
    assert kinds == ["answer", "answer", "answer", "withdrawn"]
    # From now on answers follow their rows.
    with LabelingSession(learner(X0, y0), Xp[::-1], path) as session:
        assert session.answers_.to_dict() == {196: 2.0, 192: 1.5}


# ----------------------------------------------------------------- storage


def test_missing_folder_and_path_under_a_file(data, tmp_path):
    X0, y0, Xp, yp = data
    for path in (tmp_path / "no" / "such" / "s.db", tmp_path / "s.db" / "x.db"):
        if path.parent.name == "s.db":
            path.parent.write_text("a file, not a folder")
        with pytest.raises(FileNotFoundError, match=f"{path}.*does not exist"):
            LabelingSession(learner(X0, y0), Xp, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.db"]


@pytest.mark.parametrize("size", [0, 50, 100])
def test_empty_or_truncated_file_is_refused(data, tmp_path, size):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0, y0), Xp, path) as session:
        session.answer(1, 1.0)
    path.write_bytes(path.read_bytes()[:size])
    message = {0: r"empty \(0 bytes\)", 50: "truncated", 100: "corrupt"}[size]
    with pytest.raises(ValueError, match=message):
        LabelingSession(learner(X0, y0), Xp, path)
    assert path.stat().st_size == size


# ------------------------------------------------------------------- one writer


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
