"""SimulationResult: the summary against random, the headroom and the verdict."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge

from skactive import ActiveLearningRegressor, SimulationResult, simulate


def learner():
    return ActiveLearningRegressor(RandomForestRegressor(n_estimators=10))


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
