"""simulate(): honest learning curves."""

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge

import skactive
from skactive import ActiveLearningRegressor, SimulationResult, simulate


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


# ------------------------------------------------------------- headroom, verdict


def test_summary_reports_headroom(friedman):
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
    assert list(result.full_pool.columns) == ["repeat", "n_labels", "rmse", "mae"]
    assert (result.full_pool["n_labels"] == 225).all()
    summary = result.summary()
    base = result.curves[
        (result.curves["strategy"] == "random") & (result.curves["n_labels"] > 10)
    ]
    full = result.full_pool.set_index("repeat")["rmse"]
    expected = np.exp(
        np.mean(
            np.log(full[base["repeat"]].to_numpy()) - np.log(base["rmse"].to_numpy())
        )
    )
    assert summary["headroom"].iloc[0] == pytest.approx(expected)
    # Friedman #1: 225 labels beat 20-40 by far, so there is room to win
    assert summary["headroom"].iloc[0] < 0.9
    captured = summary.loc["uncertainty", "headroom_captured"]
    assert captured == pytest.approx(
        np.log(summary.loc["uncertainty", "rmse_ratio"]) / np.log(expected)
    )
    assert summary.loc["random", "verdict"] == "baseline"


def test_verdict_says_when_active_learning_is_not_worth_it():
    # a linear target a ridge already knows from 60 labels: no headroom
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 3))
    y = X @ np.array([1.0, 2.0, 3.0]) + 0.5 * rng.normal(size=300)
    result = simulate(
        ActiveLearningRegressor(Ridge(), committee=3),
        X,
        y,
        strategies=("random", "qbc"),
        budget=90,
        initial_size=60,
        batch_size=10,
        n_repeats=3,
        random_state=0,
    )
    summary = result.summary()
    assert summary["headroom"].iloc[0] > 0.9
    assert "not worth it" in summary.loc["qbc", "verdict"]
    assert result.verdict().startswith("Active learning is not worth it on this data")


def test_verdict_names_worse_than_random():
    result = SimulationResult(_curves({"random": [3, 2, 1], "bad": [3, 2.5, 1.5]}))
    assert np.isnan(result.summary()["headroom"]).all()
    assert result.summary().loc["bad", "verdict"] == "worse than random"
    text = result.verdict()
    assert text.startswith("Active learning with bad, the best of 1 chosen after")
    assert "did worse than random" in text


def _full_pool(rmse=0.5, n_repeats=3):
    return pd.DataFrame(
        {"repeat": range(n_repeats), "n_labels": 100, "rmse": rmse, "mae": rmse}
    )


def test_verdict_says_when_it_pays_off():
    result = SimulationResult(
        _curves({"random": [3, 2, 1], "good": [3, 0.9, 0.8]}), _full_pool()
    )
    summary = result.summary()
    assert summary.loc["good", "verdict"] == "better than random"
    assert summary.loc["good", "labels_to_baseline_final"] == 20
    assert 0 < summary.loc["good", "headroom_captured"] < 1
    text = result.verdict()
    assert text.startswith("Active learning pays off with good, the best of 1 chosen")


def test_verdict_names_the_default_first_and_others_as_chosen_after_the_fact():
    result = SimulationResult(
        _curves(
            {
                "random": [3, 2, 1],
                "lcmd": [3, 0.9, 0.8],
                "gsy": [3, 0.7, 0.6],
                "qbc": [3, 2, 1.1],
            }
        ),
        _full_pool(),
    )
    text = result.verdict()
    assert text.startswith("Active learning pays off with the default, lcmd,")
    assert "final RMSE with 20 of 30 labels" in text
    assert "the best of 2 other strategies, chosen after the fact, gsy" in text
    assert text.index("lcmd") < text.index("gsy")


def test_default_that_loses_is_said_even_when_another_wins():
    result = SimulationResult(
        _curves({"random": [3, 2, 1], "lcmd": [3, 2.5, 1.5], "gsy": [3, 0.7, 0.6]})
    )
    text = result.verdict()
    assert text.startswith("Active learning with the default, lcmd, is not worth it")
    assert "the only other strategy, gsy," in text


@pytest.mark.parametrize("n_repeats", [1, 2])
def test_fewer_than_three_repeats_is_not_enough_to_tell(n_repeats):
    result = SimulationResult(
        _curves(
            {"random": [3, 2, 1], "lcmd": [3, 0.9, 0.8], "gsy": [3, 0.7, 0.6]},
            n_repeats=n_repeats,
        ),
        _full_pool(n_repeats=n_repeats),
    )
    summary = result.summary()
    assert (
        summary.drop(index="random")["verdict"]
        .str.startswith("not enough repeats to tell")
        .all()
    )
    text = result.verdict()
    assert text.startswith("Not enough repeats to tell")
    assert "pays off" not in text
    assert text.index("lcmd") < text.index("gsy")


def test_target_fit_exactly_gives_no_ratio_and_no_crash():
    # A linear target a linear model fits exactly: every test RMSE is ~0.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = X @ np.array([1.0, 2.0, 3.0])
    from sklearn.linear_model import LinearRegression

    result = simulate(
        ActiveLearningRegressor(LinearRegression(), committee=3),
        X,
        y,
        strategies=("random", "qbc"),
        budget=30,
        initial_size=10,
        batch_size=10,
        n_repeats=3,
        random_state=0,
    )
    result.curves["rmse"] = 0.0  # exactly, whatever the float rounding
    result.full_pool["rmse"] = 0.0
    summary = result.summary()
    assert np.isnan(summary.loc["qbc", "rmse_ratio"])
    assert "better than random" not in summary.loc["qbc", "verdict"]
    assert summary.loc["qbc", "verdict"].startswith("undefined")
    assert result.verdict().startswith("No verdict")


def _curves(values, n_repeats=3):
    rows = [
        (name, repeat, 10 * (i + 1), v, v)
        for name, vs in values.items()
        for repeat in range(n_repeats)
        for i, v in enumerate(vs)
    ]
    return pd.DataFrame(rows, columns=["strategy", "repeat", "n_labels", "rmse", "mae"])


# -------------------------------------------------------------- progress, params


def test_progress_goes_to_stderr(friedman, capsys):
    X, y = friedman
    kwargs = dict(
        budget=20, initial_size=10, batch_size=10, n_repeats=1, random_state=0
    )
    simulate(learner(), X, y, progress=False, **kwargs)
    assert capsys.readouterr().err == ""
    simulate(learner(), X, y, progress=True, **kwargs)
    err = capsys.readouterr().err
    assert "simulate" in err and "3/3" in err


def test_progress_without_tqdm(friedman, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = friedman
    simulate(
        learner(),
        X,
        y,
        budget=20,
        initial_size=10,
        batch_size=10,
        n_repeats=1,
        random_state=0,
        progress=True,
    )
    assert "simulate: 3/3 runs done" in capsys.readouterr().err


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


def test_plot_returns_a_display(friedman):
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    X, y = friedman
    result = simulate(
        learner(),
        X,
        y,
        budget=30,
        initial_size=10,
        batch_size=10,
        n_repeats=2,
        random_state=0,
    )
    display = result.plot(metric="mae")
    assert display.ax_.get_ylabel() == "Test MAE"
    assert set(display.lines_) == {"random", "uncertainty"}


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


def test_sparse_output_is_densified_for_a_final_step_that_needs_dense():
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.RandomState(0)
    n = 300
    X = pd.DataFrame(
        {"a": rng.normal(size=n), "c": rng.choice([f"k{i}" for i in range(60)], n)}
    )
    y = X["a"].to_numpy() + rng.normal(size=n)
    pipe = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["c"]), (SimpleImputer(), ["a"])
        ),
        HistGradientBoostingRegressor(max_iter=10),
    )
    with pytest.raises(TypeError, match="Sparse data"):
        pipe.fit(X, y)  # the problem the learner hides
    result = simulate(
        ActiveLearningRegressor(pipe, strategy="random"),
        X,
        y,
        strategies=("random",),
        budget=60,
        initial_size=10,
        batch_size=25,
        n_repeats=1,
        random_state=0,
    )
    assert result.curves["n_labels"].tolist() == [10, 35, 60]


def test_warnings_are_summarised_one_per_cause():
    rng = np.random.RandomState(0)
    n = 300
    X = pd.DataFrame(
        {"a": rng.normal(size=n), "b": np.where(rng.rand(n) < 0.97, np.nan, 1.0)}
    )
    y = X["a"].to_numpy() + rng.normal(size=n)
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    learner = ActiveLearningRegressor(
        make_pipeline(SimpleImputer(), RandomForestRegressor(n_estimators=5))
    )
    with pytest.warns(UserWarning) as record:
        result = simulate(
            learner,
            X,
            y,
            strategies=("random", "uncertainty"),
            budget=50,
            initial_size=10,
            batch_size=10,
            n_repeats=3,
            random_state=0,
        )
    skipped = [w for w in record if "no observed value" in str(w.message)]
    assert len(skipped) == 1
    assert str(skipped[0].message).endswith("1 of 2 columns): b")
    assert result.warnings[0]["count"] > 3
