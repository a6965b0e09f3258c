"""Tests of skactive/_session_answers.py: answering, skipping, forgetting, checked answers."""

import sqlite3

import numpy as np
import pytest
from session_helpers import learner
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, LabelingSession
from skactive.session import ImplausibleAnswerError


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
