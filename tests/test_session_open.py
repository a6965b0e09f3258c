"""Tests of skactive/_session_open.py: opening a session file and reattaching answers to rows."""

import sqlite3

import numpy as np
import pandas as pd
import pytest
from session_helpers import digest, frame_pool, learner

from skactive import LabelingSession
from skactive.session import FORMAT_VERSION, pool_fingerprint


@pytest.mark.parametrize(
    "change",
    ["answered value", "answered row dropped", "column name", "dtype"],
)
def test_changed_or_removed_answered_row_is_refused(data, tmp_path, change):
    X0, y0, Xp, yp = data
    frame, X0f = frame_pool(Xp), frame_pool(X0)
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0f, y0), frame, path) as session:
        session.answer(17, 1.5).answer(3, 2.5)
    changed = frame.copy()
    if change == "answered value":
        changed.iloc[17, 3] += 1e-9
    elif change == "answered row dropped":
        changed = changed.drop(index=17)
    elif change == "column name":
        changed = changed.rename(columns={"x0": "y0"})
    else:
        changed = changed.astype(np.float32)
    before = digest(path)
    message = "columns" if change == "column name" else r"no longer in the pool.*1\.5"
    with pytest.raises(ValueError, match=message):
        LabelingSession(learner(X0f, y0), changed, path)
    assert digest(path) == before
    # Put back as it was, the pool opens with every answer (a new index is fine).
    same = frame.copy()
    same.index = same.index + 1000
    with LabelingSession(learner(X0f, y0), same, path) as session:
        assert session.answers_.to_dict() == {3: 2.5, 17: 1.5}


def test_edited_pool_reattaches_answers_to_their_rows(data, tmp_path):
    X0, y0, Xp, yp = data
    frame, X0f = frame_pool(Xp), frame_pool(X0)
    frame["rooms"] = np.arange(len(frame)) % 5  # an int column
    X0f["rooms"] = 1
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0f, y0), frame, path) as session:
        session.answer(17, 1.5, annotator="ana").answer(3, 2.5).skip(40)
    # Rows added at the top, an unanswered row removed, unanswered values
    # edited, the rest reversed, ints re-saved as floats, columns reordered.
    edited = pd.concat([frame.iloc[:2] + 100, frame.drop(index=5)])
    edited.iloc[2:, 0] = edited.iloc[2:, 0].where(~edited.index[2:].isin([8, 9]), -1.0)
    edited = pd.concat([edited.iloc[:2], edited.iloc[2:].iloc[::-1]])
    edited["rooms"] = edited["rooms"].astype(float)
    edited = edited[edited.columns[::-1]].reset_index(drop=True)
    where = {
        old: int(
            np.flatnonzero((edited[frame.columns] == frame.loc[old]).all(axis=1))[0]
        )
        for old in (3, 17, 40)
    }
    with LabelingSession(learner(X0f, y0), edited[frame.columns], path) as session:
        assert session.answers_.to_dict() == {where[3]: 2.5, where[17]: 1.5}
        assert list(session.skipped_) == [where[40]]
        assert session.annotators_[where[17]] == "ana"
        assert session.learner.n_labeled_ == 42
        assert where[40] not in session.propose(50)


def test_identical_rows_are_told_apart_by_occurrence(data, tmp_path):
    X0, y0, Xp, yp = data
    pool = Xp[:10].copy()
    pool[7] = pool[2]  # two identical rows: the 1st and 2nd copy
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0, y0), pool, path) as session:
        session.answer(7, 3.0)  # the second copy
    moved = np.vstack([Xp[50:51], pool])  # a row inserted on top
    with LabelingSession(learner(X0, y0), moved, path) as session:
        assert session.answers_.to_dict() == {8: 3.0}
    # With one copy left, the second copy (the answered one) is gone.
    with pytest.raises(ValueError, match="no longer in the pool"):
        LabelingSession(learner(X0, y0), np.delete(pool, 2, axis=0), path)


def test_key_identifies_rows_whatever_their_features(data, tmp_path):
    X0, y0, Xp, yp = data
    frame, X0f = frame_pool(Xp), frame_pool(X0)
    frame["house"] = 1000 + np.arange(len(frame))
    X0f["house"] = -1
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0f, y0), frame, path, id="house") as session:
        session.answer(4, 2.0)
    fixed = frame.copy()
    fixed.loc[4, "x0"] = 0.5  # a corrected feature value: the key still holds
    fixed = fixed.iloc[::-1].reset_index(drop=True)
    with LabelingSession(learner(X0f, y0), fixed, path, id="house") as session:
        assert session.answers_.to_dict() == {len(frame) - 5: 2.0}
    with pytest.raises(ValueError, match="key is not the same"):
        LabelingSession(learner(X0f, y0), frame.drop(index=4), path, id="house")
    with pytest.raises(ValueError, match="identifies rows by a key"):
        LabelingSession(learner(X0f, y0), frame, path)
    doubled = frame.assign(house=7)
    with pytest.raises(ValueError, match="not unique.*7"):
        LabelingSession(learner(X0f, y0), doubled, tmp_path / "t.db", id="house")
    with pytest.raises(ValueError, match="one key per row"):
        LabelingSession(learner(X0f, y0), frame, tmp_path / "t.db", id=[1, 2])


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
