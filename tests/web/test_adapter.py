"""Tests of skactive/web/_adapter.py: the store the server writes answers through."""

import numpy as np
import pandas as pd
import pytest
from session_helpers import learner

from skactive import LabelingSession
from skactive.web._adapter import Implausible, Store


@pytest.fixture
def session(data, tmp_path):
    X0, y0, Xp, yp = data
    with LabelingSession(learner(X0, y0), Xp, tmp_path / "s.db") as session:
        yield session


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 1e151, -1e200])
def test_values_that_cannot_be_taught_are_refused_even_confirmed(session, value):
    store = Store(session)
    with pytest.raises(ValueError, match="not a finite number|too large"):
        store.check(value, confirm=True)
    with pytest.raises(ValueError):
        store.answer(3, value, confirm=True)
    assert session.answers_.empty


def test_check_judges_plausibility_against_the_labels_so_far(session):
    store = Store(session, y_own=[1.0, 2.0, 3.0])
    assert store.check(2.5) == 2.5
    assert store.check(25.0) == 25.0  # within ten spans of the labels
    with pytest.raises(Implausible, match="far outside every label so far"):
        store.check(1000.0)
    assert store.check(1000.0, confirm=True) == 1000.0
    # With fewer than three labels known, nothing is judged implausible.
    assert Store(session, y_own=[1.0, 2.0]).check(1e9) == 1e9


def test_answer_skip_forget_and_annotator_go_to_the_session(session):
    store = Store(session)
    n_remaining = store.remaining().size
    assert store.answer(4, 1.5, annotator="ana") == 1.5
    store.answer(6, 2.0)
    store.skip(8, annotator="bo")
    assert store.answers().to_dict() == {4: 1.5, 6: 2.0}
    assert store.annotator_of(4) == "ana" and store.annotator_of(6) is None
    assert store.annotator_of(5) is None  # never answered
    assert list(session.skipped_) == [8]
    assert store.remaining().size == n_remaining - 3
    assert store.can_forget
    store.forget(4)
    assert store.answers().to_dict() == {6: 2.0}


def test_the_sessions_own_plausibility_check_asks_for_confirmation(session):
    store = Store(session)  # the session judges plausibility itself
    with pytest.raises(Implausible, match="If it is right, confirm it"):
        store.answer(2, 1e6)
    assert session.answers_.empty
    store.answer(2, 1e6, confirm=True)
    assert session.answers_.to_dict() == {2: 1e6}


class PlainSession:
    """A store without annotators, confirmation or forget."""

    def __init__(self):
        self.answers_ = pd.Series(dtype=float)
        self.skipped = []

    def answer(self, position, value):
        self.answers_[position] = value

    def skip(self, position):
        self.skipped.append(position)


def test_a_session_without_newer_features_gets_safe_stand_ins():
    session = PlainSession()
    store = Store(session, y_own=[1.0, 2.0, 3.0])
    assert not store.can_forget
    store.answer(1, 2.0, annotator="ana")  # the annotator is not passed on
    store.skip(2, annotator="ana")
    assert session.answers_.to_dict() == {1: 2.0} and session.skipped == [2]
    assert store.annotator_of(1) is None
    # The adapter judges plausibility itself when the session cannot.
    with pytest.raises(Implausible):
        store.answer(3, 1e6)
    store.answer(3, 1e6, confirm=True)
    assert session.answers_[3] == 1e6
