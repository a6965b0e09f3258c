"""Tests of skactive/_store.py: files that are not sessions refused untouched, storage errors."""

import sqlite3
from pathlib import Path

import pytest
from session_helpers import digest, learner

from skactive import LabelingSession

# ----------------------------------------------------------------- file safety


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
