"""simulate(): honest learning curves."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge

import skactive
from skactive import ActiveLearningRegressor, simulate


def learner():
    return ActiveLearningRegressor(RandomForestRegressor(n_estimators=10))


def test_curves_and_summary(friedman):
    X, y = friedman
    result = simulate(
        learner(),
        X,
        y,
        strategies=("random", "uncertainty"),
        budget=40,
        initial_size=10,
        batch_size=10,
        n_repeats=2,
        random_state=0,
    )
    curves = result.curves
    assert set(curves.columns) == {"strategy", "repeat", "n_labels", "rmse", "mae"}
    assert sorted(curves["n_labels"].unique()) == [10, 20, 30, 40]
    assert len(curves) == 2 * 2 * 4
    first = curves[curves["n_labels"] == 10].groupby("repeat")["rmse"].nunique()
    assert (first == 1).all()  # same initial labels for every strategy
    summary = result.summary()
    assert summary.loc["random", "rmse_ratio"] == pytest.approx(1.0)
    assert summary.loc["uncertainty", "rmse_ratio"] > 0


def test_no_test_row_is_ever_queried(friedman, monkeypatch):
    X, y = friedman
    seen = []
    original = ActiveLearningRegressor._teach_validated  # where every label lands

    def spy(self, X_new, y_new, raw_X, params):
        seen.append(np.asarray(X_new).copy())
        return original(self, X_new, y_new, raw_X, params)

    monkeypatch.setattr(ActiveLearningRegressor, "_teach_validated", spy)
    # test rows are the ones whose targets never reach teach: compare by value
    from sklearn.model_selection import train_test_split

    result = simulate(
        learner(),
        X,
        y,
        budget=30,
        initial_size=10,
        batch_size=10,
        n_repeats=1,
        random_state=0,
    )
    seed = np.random.RandomState(0).randint(2**31 - 1, size=1)[0]
    _, test = train_test_split(np.arange(len(y)), test_size=0.25, random_state=seed)
    test_rows = {tuple(r) for r in X[test]}
    taught = {tuple(r) for block in seen for r in block}
    assert taught and not (taught & test_rows)
    assert len(result.curves) == 2 * 3


def test_bad_arguments(friedman):
    X, y = friedman
    with pytest.raises(ValueError, match="smaller than initial_size"):
        simulate(learner(), X, y, budget=5, initial_size=10, batch_size=5)
    with pytest.raises(ValueError, match="exceeds the pool"):
        simulate(learner(), X, y, budget=290, initial_size=10, batch_size=5)


def test_public_names():
    for name in (
        "ActiveLearningRegressor",
        "query",
        "teach",
        "simulate",
        "SimulationResult",
        "ActiveLearningCurveDisplay",
    ):
        assert hasattr(skactive, name)


# ---------------------------------------------------------------- honesty rules


class _Spy:
    """Records the row ids (column 0 of X) every learner call sees."""

    def __init__(self, monkeypatch):
        self.fit, self.teach, self.pool, self.predict = [], [], [], []
        spy = self
        fit, teach = (
            ActiveLearningRegressor.fit,
            ActiveLearningRegressor._teach_validated,
        )
        learn, predict = ActiveLearningRegressor.learn, ActiveLearningRegressor.predict

        def fit_(self, X, y, **kw):
            spy.fit.append(
                (
                    self.get_params()["strategy"],
                    self.random_state,
                    frozenset(np.asarray(X)[:, 0].astype(int)),
                )
            )
            return fit(self, X, y, **kw)

        def teach_(self, X, y, raw_X, params):
            spy.teach.append(frozenset(np.asarray(X)[:, 0].astype(int)))
            return teach(self, X, y, raw_X, params)

        def learn_(self, X_pool, oracle, **kw):
            spy.pool.append(frozenset(np.asarray(X_pool)[:, 0].astype(int)))
            return learn(self, X_pool, oracle, **kw)

        def predict_(self, X, return_std=False):
            spy.predict.append(frozenset(np.asarray(X)[:, 0].astype(int)))
            return predict(self, X, return_std=return_std)

        monkeypatch.setattr(ActiveLearningRegressor, "fit", fit_)
        monkeypatch.setattr(ActiveLearningRegressor, "_teach_validated", teach_)
        monkeypatch.setattr(ActiveLearningRegressor, "learn", learn_)
        monkeypatch.setattr(ActiveLearningRegressor, "predict", predict_)


def with_ids(X):
    """X with the row number as an extra first column, to trace rows."""
    return np.column_stack([np.arange(X.shape[0]), X])


@pytest.mark.parametrize("seed", [0, 1])
def test_no_test_row_is_ever_in_the_pool(friedman, monkeypatch, seed):
    X, y = friedman
    spy = _Spy(monkeypatch)
    simulate(
        learner(),
        with_ids(X),
        y,
        strategies=("random", "uncertainty", "qbc"),
        budget=40,
        initial_size=10,
        batch_size=10,
        n_repeats=1,
        headroom=False,
        random_state=seed,
    )
    test = set.union(*map(set, spy.predict))  # every predict is on the test set
    assert len(test) == 75
    seen = [ids for _, _, ids in spy.fit] + spy.teach + spy.pool
    for ids in seen:
        assert not (ids & test)
    # the pool is everything else
    assert (
        set.union(*map(set, spy.pool)) | set.union(*map(set, seen))
        == set(range(len(y))) - test
    )


def test_oracle_is_read_only_at_queried_positions(friedman, monkeypatch):
    """Changing the targets of never-queried pool rows changes nothing."""
    X, y = friedman
    Xi = with_ids(X)
    kwargs = dict(
        strategies=("random", "uncertainty"),
        budget=50,
        initial_size=10,
        batch_size=10,
        n_repeats=1,
        random_state=0,
    )
    with monkeypatch.context() as patch:
        spy = _Spy(patch)
        first = simulate(learner(), Xi, y, headroom=False, **kwargs)
    test = set.union(*map(set, spy.predict))
    labeled = set.union(*[set(ids) for _, _, ids in spy.fit], *map(set, spy.teach))
    never = np.array(sorted(set(range(len(y))) - labeled - test))
    assert never.size > 100
    y_changed = y.copy()
    y_changed[never] += np.random.RandomState(0).normal(scale=1e3, size=never.size)
    second = simulate(learner(), Xi, y_changed, headroom=False, **kwargs)
    pd.testing.assert_frame_equal(first.curves, second.curves)
    # and the check can fail: changing one labeled target changes the curves
    y_labeled_changed = y.copy()
    y_labeled_changed[sorted(labeled)[0]] += 1e3
    third = simulate(learner(), Xi, y_labeled_changed, headroom=False, **kwargs)
    assert not first.curves["rmse"].equals(third.curves["rmse"])


def test_random_uses_the_same_seeds_and_initial_labels(friedman, monkeypatch):
    X, y = friedman
    spy = _Spy(monkeypatch)
    simulate(
        learner(),
        with_ids(X),
        y,
        strategies=("uncertainty", "random", "qbc"),
        budget=30,
        initial_size=10,
        batch_size=10,
        n_repeats=3,
        headroom=False,
        random_state=0,
        n_jobs=1,
    )
    assert len(spy.fit) == 9
    per_repeat = [spy.fit[i : i + 3] for i in range(0, 9, 3)]
    for calls in per_repeat:
        assert [c[0] for c in calls] == ["uncertainty", "random", "qbc"]
        assert len({c[1] for c in calls}) == 1  # one random_state for all
        assert len({c[2] for c in calls}) == 1  # the same initial rows
        assert len(calls[0][2]) == 10
    assert len({calls[0][2] for calls in per_repeat}) == 3  # repeats differ


def test_random_curve_does_not_depend_on_the_other_strategies(friedman):
    X, y = friedman
    kwargs = dict(
        budget=40,
        initial_size=10,
        batch_size=10,
        n_repeats=2,
        random_state=0,
        headroom=False,
    )
    alone = simulate(learner(), X, y, strategies=("random",), **kwargs).curves
    mixed = simulate(learner(), X, y, strategies=("qbc", "random"), **kwargs).curves
    mixed = mixed[mixed["strategy"] == "random"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, mixed)


def test_parallel_runs_give_the_same_curves(friedman):
    X, y = friedman
    kwargs = dict(
        strategies=("random", "uncertainty"),
        budget=30,
        initial_size=10,
        batch_size=10,
        n_repeats=2,
        random_state=0,
    )
    one = simulate(learner(), X, y, n_jobs=1, **kwargs)
    two = simulate(learner(), X, y, n_jobs=2, **kwargs)
    pd.testing.assert_frame_equal(one.curves, two.curves)
    pd.testing.assert_frame_equal(one.full_pool, two.full_pool)


# -------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(budget=0), "budget"),
        (dict(test_size=1.5), "test_size"),
        (dict(n_repeats=0), "n_repeats"),
        (dict(strategies={}), "strategies is empty"),
    ],
)
def test_invalid_parameters(friedman, params, match):
    X, y = friedman
    kwargs = dict(budget=20, initial_size=10, batch_size=10, n_repeats=1)
    kwargs.update(params)
    with pytest.raises(ValueError, match=match):
        simulate(learner(), X, y, **kwargs)


def test_nan_targets_and_mismatched_rows(friedman):
    X, y = friedman
    y_nan = y.copy()
    y_nan[3] = np.nan
    with pytest.raises(ValueError, match="drop the rows with NaN"):
        simulate(learner(), X, y_nan, budget=20, initial_size=10, batch_size=10)
    with pytest.raises(ValueError, match="one target per row"):
        simulate(learner(), X, y[:-1], budget=20, initial_size=10, batch_size=10)


def test_stopping_shortens_every_curve_and_summary_still_compares(friedman):
    from skactive import LabelBudget

    X, y = friedman
    result = simulate(
        learner(),
        X,
        y,
        budget=50,
        initial_size=10,
        batch_size=10,
        n_repeats=2,
        random_state=0,
        stopping=LabelBudget(30),
    )
    assert sorted(result.curves["n_labels"].unique()) == [10, 20, 30]
    summary = result.summary()
    assert np.isfinite(summary["rmse_ratio"]).all()
    assert summary.loc["random", "rmse_ratio"] == pytest.approx(1.0)


def test_strategies_sharing_a_label_raise(friedman):
    from skactive.strategies import GreedySampling

    X, y = friedman
    with pytest.raises(ValueError, match="share the label"):
        simulate(
            learner(),
            X,
            y,
            budget=20,
            initial_size=10,
            batch_size=10,
            strategies=[
                "random",
                GreedySampling(kind="gsx"),
                GreedySampling(kind="igs"),
            ],
        )


# ------------------------------------------------- fail fast, keep finished work


class FlakyRidge(Ridge):
    """Ridge that raises on its ``fail_at``-th fit (counted across clones)."""

    fits = 0
    fail_at = None

    def fit(self, X, y, sample_weight=None):
        type(self).fits += 1
        if type(self).fits == type(self).fail_at:
            raise RuntimeError("the lab's solver crashed")
        return super().fit(X, y, sample_weight=sample_weight)


def test_a_failing_repeat_keeps_the_finished_ones(friedman, monkeypatch):
    X, y = friedman
    # 1 up-front fit, then per repeat 3 fits of random and 1 whole-pool fit:
    # the 11th fit is in repeat 2.
    monkeypatch.setattr(FlakyRidge, "fits", 0)
    monkeypatch.setattr(FlakyRidge, "fail_at", 11)
    with pytest.warns(
        UserWarning,
        match=r"repeat 2 failed .*the lab's solver crashed"
        r".*Returning the 2 finished repeats \(0, 1\)",
    ):
        result = simulate(
            ActiveLearningRegressor(FlakyRidge()),
            X,
            y,
            strategies=("random",),
            budget=30,
            initial_size=10,
            batch_size=10,
            n_repeats=4,
            random_state=0,
        )
    assert sorted(result.curves["repeat"].unique()) == [0, 1]
    assert sorted(result.full_pool["repeat"]) == [0, 1]
    assert result.failures == [
        {
            "repeat": 2,
            "strategy": "random",
            "error": "RuntimeError: the lab's solver crashed",
        }
    ]


def test_no_finished_repeat_raises_with_the_cause(friedman, monkeypatch):
    X, y = friedman
    monkeypatch.setattr(FlakyRidge, "fits", 0)
    monkeypatch.setattr(FlakyRidge, "fail_at", 3)
    with pytest.raises(ValueError, match="repeat 0 failed.*solver crashed.*No repeat"):
        simulate(
            ActiveLearningRegressor(FlakyRidge()),
            X,
            y,
            strategies=("random",),
            budget=30,
            initial_size=10,
            batch_size=10,
            n_repeats=2,
            random_state=0,
        )


def test_a_model_that_cannot_take_the_data_fails_before_the_first_round(monkeypatch):
    # Text in a column the pipeline imputes as numbers: no fit can work.
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": ["x"] * 200})
    y = rng.normal(size=200)
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    calls = []
    monkeypatch.setattr("skactive.simulation._one_run", lambda *a, **k: calls.append(a))
    learner = ActiveLearningRegressor(make_pipeline(SimpleImputer(), Ridge()))
    with pytest.raises(ValueError, match="fails on this data before any round"):
        simulate(
            learner,
            X,
            y,
            strategies=("random",),
            budget=30,
            initial_size=10,
            batch_size=10,
            n_repeats=2,
            random_state=0,
        )
    assert calls == []
