"""LabelingSession: answers stored at once, resumable, refusing wrong files."""

import pickle
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
from session_helpers import ROOT, digest, learner
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, LabelBudget, LabelingSession
from skactive.session import ImplausibleAnswerError, pool_fingerprint


@pytest.fixture
def data(split):
    X0, y0, Xp, yp, _, _ = split
    return X0, y0, Xp, yp


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


# ------------------------------------------------------- checked answers, undo


@pytest.mark.parametrize("value", [1e308, 1e39, -1e39, -np.inf])
def test_unteachable_answer_is_refused_before_storing(data, tmp_path, value):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    session = LabelingSession(learner(X0, y0), Xp, path)
    session.answer(1, 1.0)
    model = session.learner.estimator_
    with pytest.raises(ValueError, match="position 2"):
        session.answer(2, value, confirm=True)  # no override for these
    assert session.answers_.to_dict() == {1: 1.0}
    assert session.learner.estimator_ is model
    session.close()
    with LabelingSession(learner(X0, y0), Xp, path) as again:  # always reopens
        assert again.answers_.to_dict() == {1: 1.0}


def test_implausible_answer_needs_confirm(data, tmp_path):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(X0, y0), Xp, tmp_path / "s.db")
    with pytest.raises(ImplausibleAnswerError, match=r"far outside.*confirm=True"):
        session.answer(2, 1e6)
    with pytest.raises(ImplausibleAnswerError):
        session.import_answers([2, 3], [10.0, -1e6])
    assert session.answers_.empty and session.learner.n_labeled_ == 40
    session.answer(2, 1e6, confirm=True)
    assert session.answers_.to_dict() == {2: 1e6}
    session.answer(3, 12.0)  # within the labels: no question asked


class FailsOn42(RandomForestRegressor):
    """A learner that cannot be fit once a label is 42."""

    def fit(self, X, y, sample_weight=None):
        if np.any(np.asarray(y) == 42):
            raise ValueError("cannot learn 42")
        return super().fit(X, y, sample_weight)


def test_answer_the_learner_cannot_fit_stores_nothing(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    alr = ActiveLearningRegressor(FailsOn42(n_estimators=5, random_state=0))
    session = LabelingSession(alr.fit(X0, y0), Xp, path)
    session.answer(1, 10.0)
    model = session.learner.estimator_
    with pytest.raises(ValueError, match="cannot be fit.*cannot learn 42.*nothing"):
        session.answer(2, 42.0)
    assert session.answers_.to_dict() == {1: 10.0}
    assert session.learner.estimator_ is model and session.learner.n_labeled_ == 41
    session.close()
    alr = ActiveLearningRegressor(FailsOn42(n_estimators=5, random_state=0))
    with LabelingSession(alr.fit(X0, y0), Xp, path) as again:
        assert again.answers_.to_dict() == {1: 10.0}


class FailingCommit(FailingWrites):
    """Writes succeed, the commit fails (the disk filled up at the end)."""

    def execute(self, sql, *params):
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self.inner.execute(sql, *params)


def test_failed_commit_after_refit_puts_the_learner_back(data, tmp_path):
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(X0, y0), Xp, tmp_path / "s.db")
    session.answer(1, 1.0)
    model, real = session.learner.estimator_, session._connection
    session._connection = FailingCommit(real)
    with pytest.raises(OSError, match="disk is full.*Nothing from this call"):
        session.answer(2, 2.0)
    session._connection = real
    assert session.learner.estimator_ is model and session.learner.n_labeled_ == 41
    assert session.answers_.to_dict() == {1: 1.0}


def test_forgetting_every_answer_leaves_no_label_in_the_learner(data, tmp_path):
    # Found by the sequence fuzzer: with no labels of its own, the learner
    # kept its fit on the last answer after that answer was withdrawn.
    X0, y0, Xp, yp = data
    session = LabelingSession(learner(), Xp, tmp_path / "s.db")
    session.answer(0, 1.0).answer(1, 2.0)
    session.forget(0)
    assert session.learner.n_labeled_ == 1
    session.skip(1)
    assert session.answers_.empty
    assert not hasattr(session.learner, "n_labeled_")
    assert session.propose(2).size == 2  # drawn at random again


def test_the_learner_passed_in_is_never_changed(data, tmp_path):
    X0, y0, Xp, yp = data
    alr = learner(X0, y0)
    before = pickle.dumps(alr)
    session = LabelingSession(alr, Xp, tmp_path / "s.db")
    session.answer(1, 1.0).answer(2, 2.0).forget(1)
    assert session.learner is not alr and session.learner.n_labeled_ == 41
    session.close()
    with LabelingSession(alr, Xp, tmp_path / "s.db") as again:
        assert again.learner.n_labeled_ == 41
    assert pickle.dumps(alr) == before


def test_forget_and_annotator(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    session = LabelingSession(learner(X0, y0), Xp, path)
    session.answer(4, 3.0, annotator="ana").answer(6, 4.0).skip(8, annotator="bo")
    assert session.annotators_.to_dict() == {4: "ana", 6: None}
    session.forget(4)
    assert session.answers_.to_dict() == {6: 4.0} and session.learner.n_labeled_ == 41
    session.forget(8)
    assert session.skipped_.size == 0
    with pytest.raises(ValueError, match="Nothing is stored for position 4"):
        session.forget(4)
    session.answer(4, 3.5)  # answered again after the undo
    session.close()
    events = (
        sqlite3.connect(path)
        .execute("SELECT kind, position, annotator FROM events ORDER BY id")
        .fetchall()
    )
    assert events == [
        ("answer", 4, "ana"),
        ("answer", 6, None),
        ("skip", 8, "bo"),
        ("forget", 4, None),
        ("forget", 8, None),
        ("answer", 4, None),
    ]


def test_labeled_frame_and_write_labeled(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0, y0), frame_pool(Xp), path) as session:
        session.answer(3, 1.25).answer(0, 2.5)
        frame = session.labeled_frame(target="y")
        assert list(frame.columns) == [f"x{i}" for i in range(10)] + ["y"]
        assert frame["y"].notna().sum() == 2 and frame.loc[3, "y"] == 1.25
        pd.testing.assert_frame_equal(frame.drop(columns="y"), frame_pool(Xp))
        out = tmp_path / "out.csv"
        session.write_labeled(out, target="y")
        pd.testing.assert_frame_equal(pd.read_csv(out), frame)
        before = out.read_bytes()
        with pytest.raises(FileExistsError, match="out.csv.*already exists"):
            session.write_labeled(out)
        assert out.read_bytes() == before
        session_bytes = path.read_bytes()
        with pytest.raises(ValueError, match="is the session file"):
            session.write_labeled(path, overwrite=True)
        assert path.read_bytes() == session_bytes
        session.write_labeled(out, overwrite=True)  # asked for explicitly
        assert "answer" in pd.read_csv(out).columns
