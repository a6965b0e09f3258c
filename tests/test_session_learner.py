"""Tests of skactive/_session_learner.py: the session's own copy of the learner."""

import pickle

import numpy as np
import pandas as pd
from session_helpers import learner
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, LabelingSession


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


def test_reopening_with_the_same_learner_counts_answers_once(tmp_path):
    from sklearn.datasets import make_friedman1

    from skactive import LabelingSession

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
