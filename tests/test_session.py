"""LabelingSession: answers stored at once, resumable, refusing wrong files."""

import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, LabelBudget, LabelingSession
from skactive.session import pool_fingerprint

ROOT = Path(__file__).resolve().parent.parent


def learner(X0=None, y0=None):
    alr = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0), random_state=0
    )
    return alr if X0 is None else alr.fit(X0, y0)


@pytest.fixture
def data(split):
    X0, y0, Xp, yp, _, _ = split
    return X0, y0, Xp, yp


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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


def test_resume_refits_from_own_labels_and_answers(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0, y0), Xp, path) as session:
        for position in session.propose(4):
            session.answer(int(position), yp[position])
        answered = session.answers_
        expected = session.learner.predict(Xp[:5])
    resumed = LabelingSession(learner(X0, y0), Xp, path)
    pd.testing.assert_series_equal(resumed.answers_, answered)
    assert resumed.learner.n_labeled_ == 44
    # Same labels, same seeds: the refit model predicts the same.
    np.testing.assert_allclose(resumed.learner.predict(Xp[:5]), expected)
    resumed.close()


def test_correction_replaces_and_answer_unskips(data, tmp_path):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(X0, y0), Xp, tmp_path / "s.db")
    session.answer(7, 1.0).answer(7, 2.5)
    assert session.answers_.to_dict() == {7: 2.5}
    assert session.learner.n_labeled_ == 41
    assert session.learner.y_labeled_[-1] == 2.5
    session.skip(9).answer(9, 4.0)
    assert list(session.skipped_) == [] and session.answers_[9] == 4.0
    session.skip(7)  # withdraws the answer
    assert list(session.answers_.index) == [9] and list(session.skipped_) == [7]
    assert session.learner.n_labeled_ == 41
    events = (
        sqlite3.connect(tmp_path / "s.db")
        .execute("SELECT kind, position, value FROM events ORDER BY id")
        .fetchall()
    )
    assert events == [
        ("answer", 7, 1.0),
        ("answer", 7, 2.5),
        ("skip", 9, None),
        ("answer", 9, 4.0),
        ("skip", 7, None),
    ]


@pytest.mark.parametrize("value", [np.nan, np.inf, "abc", True, None])
def test_bad_answer_stores_nothing(data, tmp_path, value):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(X0, y0), Xp, tmp_path / "s.db")
    with pytest.raises(ValueError, match="position 3"):
        session.answer(3, value)
    assert session.answers_.empty and session.learner.n_labeled_ == 40


@pytest.mark.parametrize(
    "position, error",
    [(200, ValueError), (-1, ValueError), (1.5, TypeError), ("3", TypeError)],
)
def test_bad_position(data, tmp_path, position, error):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(X0, y0), Xp, tmp_path / "s.db")
    with pytest.raises(error, match="position|Position"):
        session.answer(position, 1.0)
    with pytest.raises(error, match="position|Position"):
        session.skip(position)
    assert session.answers_.empty and session.skipped_.size == 0


def test_import_answers_is_all_or_nothing(data, tmp_path):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(X0, y0), Xp, tmp_path / "s.db")
    with pytest.raises(ValueError, match="not a number"):
        session.import_answers([1, 2, 3], [1.0, "x", 3.0])
    with pytest.raises(ValueError, match="twice"):
        session.import_answers([1, 2], [1.0, 2.0], skipped=[2])
    assert session.answers_.empty and session.skipped_.size == 0
    session.import_answers([1, 2], [1.0, 2.0], skipped=[5])
    assert session.answers_.to_dict() == {1: 1.0, 2: 2.0}
    assert list(session.skipped_) == [5]
    assert session.learner.n_labeled_ == 42


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


def frame_pool(Xp):
    return pd.DataFrame(Xp, columns=[f"x{i}" for i in range(Xp.shape[1])])


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
    edited.iloc[2:, 0] = edited.iloc[2:, 0].where(
        ~edited.index[2:].isin([8, 9]), -1.0
    )
    edited = pd.concat([edited.iloc[:2], edited.iloc[2:].iloc[::-1]])
    edited["rooms"] = edited["rooms"].astype(float)
    edited = edited[edited.columns[::-1]].reset_index(drop=True)
    where = {old: int(np.flatnonzero((edited[frame.columns] == frame.loc[old]).all(axis=1))[0])
             for old in (3, 17, 40)}
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


def test_fingerprint_of_object_and_sparse_pools():
    import scipy.sparse as sp

    X = np.array([["a", 1], ["b", 2]], dtype=object)
    assert pool_fingerprint(X) == pool_fingerprint(X.copy())
    assert pool_fingerprint(X) != pool_fingerprint(X[::-1])
    S = sp.random(20, 5, density=0.3, format="csr", random_state=0)
    assert pool_fingerprint(S) == pool_fingerprint(S.tocsc())
    assert pool_fingerprint(S) != pool_fingerprint(S * 2)


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


class FailingWrites:
    """Stands in for the connection: every write fails as on a full disk."""

    def __init__(self, inner):
        self.inner = inner

    @property
    def in_transaction(self):
        return self.inner.in_transaction

    def execute(self, sql, *params):
        result = self.inner.execute(sql, *params)
        if sql.startswith(("INSERT", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")
        return result

    def close(self):
        self.inner.close()


def test_failed_write_stores_nothing_and_says_so(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    session = LabelingSession(learner(X0, y0), Xp, path)
    session.answer(1, 1.0)
    real = session._connection
    session._connection = FailingWrites(real)
    with pytest.raises(
        OSError, match="disk is full.*Nothing from this call was stored"
    ):
        session.answer(2, 2.0)
    with pytest.raises(OSError, match="Nothing from this call was stored"):
        session.skip(1)
    assert not real.in_transaction
    session._connection = real
    assert session.answers_.to_dict() == {1: 1.0} and session.skipped_.size == 0
    assert session.learner.n_labeled_ == 41
    session.answer(2, 2.0)  # once the disk has room, the person answers again
    assert session.answers_.to_dict() == {1: 1.0, 2: 2.0}


def test_reopening_with_the_same_learner_counts_answers_once(tmp_path):
    from sklearn.datasets import make_friedman1
    from sklearn.ensemble import RandomForestRegressor

    from skactive import ActiveLearningRegressor, LabelingSession

    X, y = make_friedman1(n_samples=120, random_state=0)
    alr = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0), random_state=0
    ).fit(X[:10], y[:10])
    path = tmp_path / "same.db"
    session = LabelingSession(alr, X[10:], path)
    session.answer(0, 999.0, confirm=True)  # far off: needs confirming
    session.answer(1, y[11])
    session.close()
    again = LabelingSession(alr, X[10:], path)  # the same, already taught object
    assert again.learner.n_labeled_ == 12
    again.skip(0)  # withdraw the wrong answer
    again.close()
    third = LabelingSession(alr, X[10:], path)
    assert third.learner.n_labeled_ == 11
    assert 999.0 not in third.learner.y_labeled_
    third.close()
