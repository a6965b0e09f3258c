"""Stopping criteria in a loop (``skactive/_criteria.py``): fresh clones
checked before any label is bought, the tightest label limit, the first
reason."""

import pytest

from skactive import LabelBudget, PoolScoreBelow, StabilizingPredictions
from skactive._criteria import first_reason, labels_left, start_criteria


class _Learner:
    n_labeled_ = 25


class _Fires:
    def __init__(self, reason):
        self.reason = reason

    def check(self, learner, X_pool, candidates, record):
        return self.reason

    def get_params(self, deep=True):
        return {"reason": self.reason}


def test_start_criteria_clones_and_validates():
    budget = LabelBudget(30)
    (started,) = start_criteria(budget)
    assert started is not budget and started.get_params() == budget.get_params()
    assert start_criteria(None) == []
    with pytest.raises(ValueError, match="threshold=<score> or fraction="):
        start_criteria([LabelBudget(30), PoolScoreBelow()])


def test_start_criteria_refuses_what_is_not_a_criterion():
    with pytest.raises(TypeError, match="stopping must be a criterion"):
        start_criteria(["early"])


def test_labels_left_is_the_tightest_limit():
    criteria = start_criteria(
        [LabelBudget(40), StabilizingPredictions(), LabelBudget(30)]
    )
    assert labels_left(criteria, _Learner()) == 5
    assert labels_left(start_criteria(StabilizingPredictions()), _Learner()) is None
    assert labels_left(start_criteria(LabelBudget(10)), _Learner()) == 0


def test_first_reason_is_the_first_criterion_that_fires():
    criteria = [_Fires(None), _Fires("second"), _Fires("third")]
    assert first_reason(criteria, _Learner(), None, [], {}) == "second"
    assert first_reason([_Fires(None)], _Learner(), None, [], {}) is None
