"""Honest simulations: learning curves of strategies against random sampling."""

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed

from ._rows import take_rows


class SimulationResult:
    """Learning curves of a :func:`simulate` run.

    Attributes
    ----------
    curves : pandas.DataFrame
        One row per strategy, repeat and round: ``strategy``, ``repeat``,
        ``n_labels``, ``rmse`` and ``mae`` on the held-out test set.
    """

    def __init__(self, curves):
        self.curves = curves

    def summary(self, baseline="random"):
        """One row per strategy, measured against ``baseline`` under the same seeds.

        Columns: ``rmse_ratio`` (exp of the mean over rounds and repeats of
        log RMSE minus the baseline's; below 1 is better), ``final_rmse``
        (mean over repeats), and ``labels_to_baseline_final`` (the fewest
        labels at which the strategy's mean RMSE reaches the baseline's final
        mean RMSE; NaN if it never does).
        """
        curves = self.curves
        if baseline not in set(curves["strategy"]):
            raise ValueError(
                f"No {baseline!r} curves to compare with; include {baseline!r} "
                "in strategies."
            )
        keyed = curves.set_index(["strategy", "repeat", "n_labels"])["rmse"]
        base = keyed.loc[baseline]
        mean_curves = curves.groupby(["strategy", "n_labels"])["rmse"].mean()
        base_final = mean_curves.loc[baseline].iloc[-1]
        rows = []
        for name in pd.unique(curves["strategy"]):
            own = keyed.loc[name]
            # The first point is the shared initial set, equal for everyone.
            start = own.index.get_level_values("n_labels").min()
            log_diff = np.log(own) - np.log(base.reindex(own.index))
            log_diff = log_diff[log_diff.index.get_level_values("n_labels") > start]
            curve = mean_curves.loc[name]
            reached = curve.index[curve.to_numpy() <= base_final]
            rows.append(
                {
                    "strategy": name,
                    "rmse_ratio": float(np.exp(log_diff.mean())),
                    "final_rmse": float(curve.iloc[-1]),
                    "labels_to_baseline_final": float(reached.min())
                    if len(reached)
                    else np.nan,
                }
            )
        return pd.DataFrame(rows).set_index("strategy")


def _strategy_settings(strategies):
    """``{label: params}`` from names, strategy objects or a mapping."""
    if isinstance(strategies, Mapping):
        return {str(k): dict(v) for k, v in strategies.items()}
    settings = {}
    for strategy in strategies:
        label = strategy if isinstance(strategy, str) else type(strategy).__name__
        settings[label] = {"strategy": strategy}
    return settings


def simulate(
    learner,
    X,
    y,
    *,
    strategies=("random", "uncertainty"),
    budget,
    initial_size,
    batch_size,
    test_size=0.25,
    n_repeats=5,
    n_jobs=None,
    random_state=None,
    stopping=None,
):
    """Run active learning with the data's own targets as the oracle.

    Per repeat: split off a test set that is never in the pool, draw the
    same initial labels for every strategy, then query ``batch_size`` rows
    per round until ``budget`` labels, reading a target only when its row is
    queried. Test RMSE and MAE are recorded after the initial fit and after
    every round.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        Template; cloned for every strategy and repeat.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Fully labeled targets.
    strategies : sequence or mapping, default=("random", "uncertainty")
        Strategy names or objects, or ``{label: {param: value}}`` to set
        several learner parameters per entry.
    budget : int
        Labels at the end of each run.
    initial_size : int
        Labels drawn at random before the first query.
    batch_size : int
        Rows per round.
    test_size : float, default=0.25
        Share of rows held out for testing.
    n_repeats : int, default=5
        Independent splits and initial sets.
    n_jobs : int, default=None
        Repeats run in parallel.
    random_state : int, RandomState instance or None, default=None
    stopping : criterion or list of criteria, default=None
        From :mod:`skactive.stopping`, passed to every run's ``learn``: a run
        ends before ``budget`` when one fires, so its curve is shorter.

    Returns
    -------
    result : SimulationResult

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from skactive import ActiveLearningRegressor, simulate
    >>> X, y = make_friedman1(n_samples=300, random_state=0)
    >>> learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=10))
    >>> result = simulate(learner, X, y, budget=30, initial_size=10,
    ...                   batch_size=10, n_repeats=2, random_state=0)
    >>> sorted(result.summary().index)
    ['random', 'uncertainty']
    """
    settings = _strategy_settings(strategies)
    y = np.asarray(y, dtype=float)
    if np.isnan(y).any():
        raise ValueError("simulate needs every target; drop the rows with NaN in y.")
    if initial_size > budget:
        raise ValueError(
            f"budget={budget} is smaller than initial_size={initial_size}; pass "
            "a budget at least as large as the initial set."
        )
    rng = check_random_state(random_state)
    seeds = rng.randint(2**31 - 1, size=n_repeats)
    frames = Parallel(n_jobs=n_jobs)(
        delayed(_one_repeat)(
            learner, X, y, settings, budget, initial_size, batch_size, test_size,
            repeat, seed, stopping,
        )
        for repeat, seed in enumerate(seeds)
    )
    return SimulationResult(pd.concat(frames, ignore_index=True))


def _one_repeat(
    learner, X, y, settings, budget, initial_size, batch_size, test_size, repeat, seed,
    stopping=None,
):
    positions = np.arange(y.shape[0])
    pool, test = train_test_split(positions, test_size=test_size, random_state=seed)
    n_pool = pool.size
    if budget > n_pool:
        raise ValueError(
            f"budget={budget} exceeds the pool ({n_pool} rows after holding out "
            "the test set); lower the budget or the test_size."
        )
    X_pool, y_pool = take_rows(X, pool), y[pool]
    X_test, y_test = take_rows(X, test), y[test]
    start = np.random.RandomState(seed).choice(n_pool, initial_size, replace=False)
    rest = np.setdiff1d(np.arange(n_pool), start)
    records = []
    for label, params in settings.items():
        model = clone(learner).set_params(
            **{"budget": None, "random_state": int(seed), **params}
        )
        model.fit(take_rows(X_pool, start), y_pool[start])
        residual = model.predict(X_test) - y_test
        records.append(
            (label, repeat, initial_size, np.sqrt(np.mean(residual**2)),
             np.mean(np.abs(residual)))
        )
        if budget > initial_size:
            # The oracle array is read only at the queried positions.
            model.learn(
                take_rows(X_pool, rest),
                y_pool[rest],
                n_queries=budget - initial_size,
                batch_size=batch_size,
                X_val=X_test,
                y_val=y_test,
                stopping=stopping,
            )
            for record in model.history_:
                records.append(
                    (label, repeat, record["n_labels"], record["val_rmse"],
                     record["val_mae"])
                )
    return pd.DataFrame(
        records, columns=["strategy", "repeat", "n_labels", "rmse", "mae"]
    )
