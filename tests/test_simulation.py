"""simulate(): honest learning curves."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor

import skactive
from skactive import ActiveLearningRegressor, simulate


def learner():
    return ActiveLearningRegressor(RandomForestRegressor(n_estimators=10))


def test_curves_and_summary(friedman):
    X, y = friedman
    result = simulate(learner(), X, y, strategies=("random", "uncertainty"),
                      budget=40, initial_size=10, batch_size=10, n_repeats=2,
                      random_state=0)
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
    original = ActiveLearningRegressor.teach

    def spy(self, X_new, y_new, **kw):
        seen.append(np.asarray(X_new).copy())
        return original(self, X_new, y_new, **kw)

    monkeypatch.setattr(ActiveLearningRegressor, "teach", spy)
    # test rows are the ones whose targets never reach teach: compare by value
    from sklearn.model_selection import train_test_split

    result = simulate(learner(), X, y, budget=30, initial_size=10, batch_size=10,
                      n_repeats=1, random_state=0)
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


def test_demo_prints_a_table(capsys):
    from skactive.cli import main

    assert main(["demo", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert "random" in out and "uncertainty" in out and "220" in out


def test_public_names():
    for name in ("ActiveLearningRegressor", "query", "teach", "simulate"):
        assert hasattr(skactive, name)
