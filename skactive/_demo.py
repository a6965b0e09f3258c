"""``skactive demo``: strategies against random on built-in data."""

import time

import pandas as pd
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor

from ._regressor import ActiveLearningRegressor
from .simulation import simulate

DEMO_STRATEGIES = ("random", "uncertainty", "qbc")


def run_demo(n_repeats=3, random_state=0):
    """Print test RMSE against labels for a few strategies and random.

    Friedman #1 (2,000 rows, 10 inputs, 5 informative) is generated locally;
    a quarter is held out as a test set that is never in the pool. Each
    strategy starts from the same 20 random labels and buys 10 rounds of 20.

    Returns
    -------
    result : SimulationResult
    """
    X, y = make_friedman1(n_samples=2000, noise=1.0, random_state=random_state)
    learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=100))
    started = time.perf_counter()
    result = simulate(
        learner,
        X,
        y,
        strategies=DEMO_STRATEGIES,
        budget=220,
        initial_size=20,
        batch_size=20,
        n_repeats=n_repeats,
        n_jobs=2,
        random_state=random_state,
    )
    elapsed = time.perf_counter() - started
    table = result.curves.pivot_table(
        index="n_labels", columns="strategy", values="rmse", aggfunc="mean"
    )[list(DEMO_STRATEGIES)]
    print(
        "Friedman #1, random forest; test RMSE (mean of "
        f"{n_repeats} repeats, test set never in the pool):"
    )
    with pd.option_context("display.float_format", "{:.3f}".format):
        print(table.to_string())
        print("\nRMSE ratio to random over the curve (below 1 is better):")
        print(result.summary().to_string())
    print(f"\n{elapsed:.1f} s")
    return result
