"""ActiveLearningCurveDisplay: a scikit-learn display object for learning curves."""

import sys

import numpy as np
import pandas as pd
import pytest

from skactive import ActiveLearningCurveDisplay, SimulationResult

plt = pytest.importorskip("matplotlib.pyplot", reason="plots need matplotlib")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def result(full_pool=True):
    rows = []
    for repeat, shift in enumerate([0.0, 0.2, 0.4]):
        for strategy, slope in [("random", 1.0), ("uncertainty", 1.5)]:
            for n in (10, 20, 30):
                rmse = 5.0 - slope * n / 10 + shift
                rows.append((strategy, repeat, n, rmse, rmse / 2))
    curves = pd.DataFrame(
        rows, columns=["strategy", "repeat", "n_labels", "rmse", "mae"]
    )
    full = pd.DataFrame(
        {
            "repeat": [0, 1, 2],
            "n_labels": 100,
            "rmse": [1.0, 1.1, 1.2],
            "mae": [0.5, 0.6, 0.7],
        }
    )
    return SimulationResult(curves, full if full_pool else None)


def test_from_simulation_draws_mean_and_band():
    display = ActiveLearningCurveDisplay.from_simulation(result())
    assert display.figure_ is display.ax_.figure
    assert list(display.lines_) == ["random", "uncertainty"]
    x, y = display.lines_["uncertainty"].get_data()
    np.testing.assert_allclose(x, [10, 20, 30])
    np.testing.assert_allclose(y, [3.7, 2.2, 0.7])  # mean of the three repeats
    band = display.fill_between_["uncertainty"].get_paths()[0].vertices
    sd = np.std([0.0, 0.2, 0.4])
    assert band[:, 1].max() == pytest.approx(3.7 + sd)
    assert band[:, 1].min() == pytest.approx(0.7 - sd)
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert "whole pool (headroom)" in labels
    assert display.ax_.get_xlabel() == "Number of labels"


def test_minmax_band_mae_and_given_axes():
    _, ax = plt.subplots()
    display = ActiveLearningCurveDisplay.from_simulation(
        result(full_pool=False), metric="mae", ax=ax, spread="minmax", title="t"
    )
    assert display.ax_ is ax and display.ax_.get_title() == "t"
    assert display.ax_.get_ylabel() == "Test MAE"
    band = display.fill_between_["random"].get_paths()[0].vertices
    assert band[:, 1].max() == pytest.approx((4.0 + 0.4) / 2)
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert "whole pool (headroom)" not in labels


def test_no_band():
    display = ActiveLearningCurveDisplay.from_simulation(result(), spread=None)
    assert display.fill_between_ == {}


def test_direct_construction_and_plot_returns_self():
    display = ActiveLearningCurveDisplay(
        n_labels=np.array([1, 2]), scores={"a": np.array([[2.0, 1.0]])}
    )
    assert display.plot() is display
    assert display.fill_between_ == {}  # one repeat: no spread to show


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: ActiveLearningCurveDisplay.from_simulation(result(), metric="r2"),
            "metric='r2'",
        ),
        (
            lambda: ActiveLearningCurveDisplay.from_simulation(result(), spread="iqr"),
            "spread='iqr'",
        ),
        (
            lambda: ActiveLearningCurveDisplay(
                n_labels=np.array([1, 2, 3]), scores={"a": np.ones((2, 2))}
            ).plot(),
            "2 points but n_labels has 3",
        ),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    display = ActiveLearningCurveDisplay(n_labels=[1], scores={"a": [[1.0]]})
    with pytest.raises(ImportError, match=r"skactive\[plot\]"):
        display.plot()
