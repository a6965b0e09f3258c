"""Stopping criteria in learn, simulate and on their own."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import RandomForestRegressor

from skactive import (
    ActiveLearningRegressor,
    LabelBudget,
    PoolScoreBelow,
    StabilizingPredictions,
    TargetError,
    simulate,
)


def forest_learner(seed=0):
    return ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=10, random_state=seed), random_state=seed
    )


def test_label_budget_stops_and_says_why(split):
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    alr.learn(Xp, yp, n_queries=100, batch_size=10, stopping=LabelBudget(70))
    assert alr.n_labeled_ == 70
    assert len(alr.history_) == 3
    assert (
        alr.history_[-1]["stopped"]
        == "label budget reached: 70 labels >= max_labels=70"
    )
    assert all("stopped" not in record for record in alr.history_[:-1])


def test_no_stopping_runs_to_n_queries(split):
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    alr.learn(Xp, yp, n_queries=30, batch_size=10, stopping=LabelBudget(1000))
    assert alr.n_labeled_ == 70
    assert all("stopped" not in record for record in alr.history_)


def test_target_error_uses_learn_validation_set(split):
    X0, y0, Xp, yp, Xt, yt = split
    alr = forest_learner().fit(X0, y0)
    # A target every model meets: stops after the first round.
    alr.learn(
        Xp,
        yp,
        n_queries=100,
        batch_size=10,
        X_val=Xt,
        y_val=yt,
        stopping=TargetError(1e6),
    )
    assert len(alr.history_) == 1
    assert alr.history_[0]["stopped"].startswith(
        "target error reached: validation RMSE"
    )
    # A target nobody meets: runs to the end.
    alr = forest_learner().fit(X0, y0)
    alr.learn(
        Xp,
        yp,
        n_queries=30,
        batch_size=10,
        X_val=Xt,
        y_val=yt,
        stopping=TargetError(0.0, metric="mae"),
    )
    assert len(alr.history_) == 3 and "stopped" not in alr.history_[-1]


def test_target_error_own_validation_set_matches_recorded_error(split):
    X0, y0, Xp, yp, Xt, yt = split
    alr = forest_learner().fit(X0, y0)
    alr.learn(Xp, yp, n_queries=50, batch_size=10, X_val=Xt, y_val=yt)
    errors = [r["val_rmse"] for r in alr.history_]
    target = errors[2]  # reached at round 3 at the latest
    first = next(i for i, e in enumerate(errors) if e <= target)
    again = forest_learner().fit(X0, y0)
    again.learn(
        Xp,
        yp,
        n_queries=50,
        batch_size=10,
        stopping=TargetError(target, X_val=Xt, y_val=yt),
    )
    assert len(again.history_) == first + 1
    assert "stopped" in again.history_[-1]


def test_target_error_without_validation_set_raises(split):
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    with pytest.raises(ValueError, match="no validation set"):
        alr.learn(Xp, yp, n_queries=10, stopping=TargetError(1.0))


def constant_learner():
    return ActiveLearningRegressor(
        DummyRegressor(strategy="constant", constant=3.0),
        strategy="random",
        random_state=0,
    )


def test_stabilizing_predictions_fires_once_predictions_stop_moving(split):
    X0, y0, Xp, yp, _, _ = split
    alr = constant_learner().fit(X0, y0)
    alr.learn(
        Xp, yp, n_queries=100, batch_size=10, stopping=StabilizingPredictions(window=3)
    )
    # Round 1 has nothing to compare with; rounds 2-4 give three agreements of 1.
    assert len(alr.history_) == 4
    assert alr.history_[-1]["stopped"].startswith("predictions stabilized")


def test_stabilizing_predictions_waits_while_predictions_move(split):
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    alr.learn(
        Xp,
        yp,
        n_queries=60,
        batch_size=10,
        stopping=StabilizingPredictions(threshold=1.0, window=2, random_state=0),
    )
    assert len(alr.history_) == 6 and "stopped" not in alr.history_[-1]


def test_stabilizing_predictions_agreement_is_r2_of_new_on_old(friedman):
    X, y = friedman
    criterion = clone(StabilizingPredictions(window=1, threshold=1.0, X_stop=X[:50]))

    class Fixed:
        def __init__(self, values):
            self.values = values

        def predict(self, X):
            return self.values

    old = np.linspace(0, 1, 50)
    new = old + 0.1
    assert criterion.check(Fixed(old), X, np.arange(3), {}) is None
    criterion.check(Fixed(new), X, np.arange(3), {})
    assert criterion.agreements_ == [pytest.approx(1 - 0.01 / np.var(old))]


def test_pool_score_below(split):
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    alr.learn(Xp, yp, n_queries=50, batch_size=10, stopping=PoolScoreBelow(1e9))
    assert len(alr.history_) == 1
    assert alr.history_[0]["stopped"].startswith("highest pool score")
    alr = forest_learner().fit(X0, y0)
    alr.learn(
        Xp, yp, n_queries=30, batch_size=10, stopping=PoolScoreBelow(fraction=1e-9)
    )
    assert len(alr.history_) == 3 and "stopped" not in alr.history_[-1]


def test_pool_score_below_needs_a_limit(split):
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    with pytest.raises(ValueError, match="threshold=<score> or fraction="):
        alr.learn(Xp, yp, n_queries=10, stopping=PoolScoreBelow())
    assert alr.n_labeled_ == 40


def test_first_criterion_to_fire_wins_and_user_objects_untouched(split):
    X0, y0, Xp, yp, _, _ = split
    stable = StabilizingPredictions(threshold=1.0, random_state=0)
    budget = LabelBudget(60)
    alr = forest_learner().fit(X0, y0)
    alr.learn(Xp, yp, n_queries=100, batch_size=10, stopping=[stable, budget])
    assert alr.n_labeled_ == 60
    assert alr.history_[-1]["stopped"].startswith("label budget")
    assert not hasattr(stable, "agreements_")  # the loop used a clone


def test_bad_stopping_raises_and_keeps_learner(split):
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    with pytest.raises(TypeError, match="stopping must be a criterion"):
        alr.learn(Xp, yp, n_queries=10, stopping="early")
    assert alr.n_labeled_ == 40 and alr.history_ == []
    with pytest.raises(ValueError, match="max_labels"):
        alr.learn(Xp, yp, n_queries=10, stopping=LabelBudget(0))
    with pytest.raises(ValueError, match="together"):
        alr.learn(Xp, yp, n_queries=10, stopping=TargetError(1.0, X_val=Xp))
    # Parameters are checked before the first round: nothing was bought.
    assert alr.n_labeled_ == 40 and alr.history_ == []


@pytest.mark.parametrize(
    "criterion",
    [LabelBudget(5), TargetError(1.0), StabilizingPredictions(), PoolScoreBelow(0.1)],
)
def test_criteria_are_parameter_objects(criterion):
    params = criterion.get_params()
    assert type(clone(criterion)).__name__ == type(criterion).__name__
    assert clone(criterion).get_params().keys() == params.keys()


def test_simulate_passes_stopping(friedman):
    X, y = friedman
    learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=5))
    result = simulate(
        learner,
        X,
        y,
        strategies=("random",),
        budget=60,
        initial_size=10,
        batch_size=10,
        n_repeats=2,
        random_state=0,
        stopping=LabelBudget(30),
    )
    assert result.curves["n_labels"].max() == 30


def _state(alr):
    return (alr.n_labeled_, len(alr.history_), alr.X_labeled_.copy())


@pytest.mark.parametrize(
    "max_labels, expected", [(30, 40), (40, 40), (55, 55), (43, 43)]
)
def test_label_budget_is_exact_the_last_batch_is_cut(split, max_labels, expected):
    X0, y0, Xp, yp, _, _ = split  # the learner starts with 40 labels
    alr = forest_learner().fit(X0, y0)
    alr.learn(Xp, yp, n_queries=100, batch_size=10, stopping=LabelBudget(max_labels))
    assert alr.n_labeled_ == expected
    if expected > 40:
        assert alr.history_[-1]["n_labels"] == expected
        assert alr.history_[-1]["stopped"].startswith("label budget reached")
    else:  # already at or past the budget: nothing bought
        assert alr.history_ == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"X_val": "X[100:120]", "y_val": "y[100:119]"}, "has 20 rows but y_val"),
        (
            {"X_val": "X[100:120, :5]", "y_val": "y[100:120]"},
            "does not fit the learner",
        ),
        ({"X_val": "X[:0]", "y_val": "y[:0]"}, "X_val has no row"),
        ({"X_val": "X[100]", "y_val": "y[100:101]"}, "X_val must be 2-d"),
        ({"X_val": "X[100:120]", "y_val": "nan20"}, "y_val holds NaN"),
    ],
)
def test_target_error_data_is_checked_before_any_label_is_bought(
    split, friedman, kwargs, message
):
    X, y = friedman
    names = {"X": X, "y": y, "nan20": np.full(20, np.nan)}
    kwargs = {key: eval(value, names) for key, value in kwargs.items()}
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    before = _state(alr)
    with pytest.raises(ValueError, match=message):
        alr.learn(
            Xp, yp, n_queries=20, batch_size=10, stopping=TargetError(1.0, **kwargs)
        )
    after = _state(alr)
    assert before[:2] == after[:2]
    np.testing.assert_array_equal(before[2], after[2])


def test_stabilizing_predictions_stop_set_checked_before_buying(split):
    X0, y0, Xp, yp, _, _ = split
    alr = forest_learner().fit(X0, y0)
    with pytest.raises(ValueError, match="X_stop does not fit the learner"):
        alr.learn(
            Xp, yp, n_queries=20, stopping=StabilizingPredictions(X_stop=Xp[:, :3])
        )
    assert alr.n_labeled_ == 40 and alr.history_ == []
