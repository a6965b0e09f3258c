"""How much can any choice of rows gain? Designs that cheat, against random.

One command (from the repository root, after the label-efficiency benchmark
has cached random's curves for the same seeds)::

    nice -n 10 python benchmarks/design_ceiling.py --seeds 10
    nice -n 10 python benchmarks/design_ceiling.py --seeds 10 --protocol larger

The label-efficiency benchmark compares every strategy with a forest
trained on the whole pool ("headroom"). That bound cannot be reached with
220 labels. This script asks a sharper question: how good are designs of
the same size that are allowed to *cheat*, that is, to read the labels of
every pool row before choosing? No strategy can use that knowledge, so
what they reach is a rough, optimistic reference for what a strategy could
capture at this label budget.

Four oracle designs, on a protocol of ``label_efficiency.py`` (``--protocol``
main or larger; same data preparation, splits, seeds, random forest and
initial labels):

``oracle-kmeans``
    For every budget n on the curve: k-means with n clusters in the space
    of the inputs weighted by the square root of the whole-pool forest's
    feature importances, joined to the true target (standardized, weight
    0.5); the pool row nearest each centre is labeled (two centres may share
    a row, so a design can hold a few rows fewer than n). A space-filling,
    representative design along what matters, using every label.
``oracle-residual``
    The initial labels of random, then rounds of the batch's number of pool
    rows (20 or 100) with the largest true absolute error of the current
    forest: error sampling with the answers known in advance.
``oracle-lcmd-error``
    The default (LCMD, same features) with every pool row's mass scaled
    by the current forest's true absolute error there, relative to the
    pool's mean: a diverse batch drawn towards where the model is wrong,
    with the answers known in advance.
``oracle-lcmd-expected-error``
    As ``oracle-lcmd-error``, but the weight is the error's expectation given
    the inputs: a forest's out-of-fold prediction (3 folds over the pool) of
    the true absolute error. A row's own noise no longer counts, only where
    the model errs on average: what a perfect error estimate would give.

The test set is never in the pool and is never used to choose. Ratios use
random's curves cached by ``label_efficiency.py`` for the same seeds (run it
first); the cell is exp(mean over seeds and rounds of log RMSE - log RMSE of
random), as there. Writes ``docs/benchmarks/results/design_ceiling.{csv,md}``
(main protocol) or ``design_ceiling_larger.{csv,md}``.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import label_efficiency as le
import numpy as np
import pandas as pd
from _common import rmse
from sklearn.cluster import KMeans
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import pairwise_distances_argmin
from sklearn.model_selection import KFold, cross_val_predict

from skactive import ActiveLearningRegressor
from skactive._geometry import lcmd


def _rmse(X_pool, y_pool, rows, X_test, y_test, seed):
    model = ActiveLearningRegressor(
        le.make_learner("rf"), strategy="random", random_state=seed
    )
    model.fit(X_pool[rows], y_pool[rows])
    return rmse(y_test, model.predict(X_test)), model


def _setup(dataset, seed, protocol):
    """Pool, test set and the budgets after every round; None if too small."""
    spec = le.PROTOCOLS[protocol]
    X_pool, y_pool, X_test, y_test = le.prepare(dataset, protocol, seed)
    budgets = [
        spec["initial"] + spec["batch"] * k for k in range(1, spec["rounds"] + 1)
    ]
    if y_pool.shape[0] < budgets[-1] + spec["batch"]:
        return None
    return X_pool, y_pool, X_test, y_test, budgets, spec


def _initial_rows(n_pool, spec, seed):
    """Random's initial labels, as in label_efficiency.py."""
    return np.random.RandomState(seed).choice(n_pool, spec["initial"], replace=False)


def oracle_kmeans(X_pool, y_pool, X_test, y_test, budgets, spec, seed):
    """k-means in the important inputs joined to the true target, per budget."""
    whole = ActiveLearningRegressor(
        le.make_learner("rf"), strategy="random", random_state=seed
    ).fit(X_pool, y_pool)
    importance = whole.estimator_.feature_importances_
    target = (y_pool - y_pool.mean()) / (y_pool.std() or 1.0)
    space = np.hstack([X_pool * np.sqrt(importance), 0.5 * target[:, None]])
    curve = []
    for n in budgets:
        centres = KMeans(n, n_init=1, random_state=seed).fit(space).cluster_centers_
        rows = np.unique(pairwise_distances_argmin(centres, space))
        curve.append(_rmse(X_pool, y_pool, rows, X_test, y_test, seed)[0])
    return curve


def oracle_residual(X_pool, y_pool, X_test, y_test, budgets, spec, seed):
    """Rounds of the rows with the largest true error of the current forest."""
    rows = _initial_rows(y_pool.shape[0], spec, seed)
    _, model = _rmse(X_pool, y_pool, rows, X_test, y_test, seed)
    curve = []
    for _ in budgets:
        error = np.abs(model.predict(X_pool) - y_pool)
        error[rows] = -np.inf
        rows = np.concatenate([rows, np.argsort(-error)[: spec["batch"]]])
        score, model = _rmse(X_pool, y_pool, rows, X_test, y_test, seed)
        curve.append(score)
    return curve


def _lcmd_towards(error_of, X_pool, y_pool, X_test, y_test, budgets, spec, seed):
    """The default's batches (LCMD's own masses), each row's mass scaled by
    ``error_of(rest, error)`` of the current forest's true absolute error."""
    rows = _initial_rows(y_pool.shape[0], spec, seed)
    rng = np.random.RandomState(seed)
    curve = []
    for _ in budgets:
        model = ActiveLearningRegressor(le.make_learner("rf"), random_state=seed)
        model.fit(X_pool[rows], y_pool[rows])
        rest = np.setdiff1d(np.arange(y_pool.shape[0]), rows)
        F_pool, F_train = model.strategy_.embed(model, X_pool[rest], rng)
        error = error_of(rest, np.abs(model.predict(X_pool[rest]) - y_pool[rest]))
        weight = error / error.mean() if error.mean() > 0 else None
        picks = lcmd(F_pool, F_train, spec["batch"], row_weight=weight)
        rows = np.concatenate([rows, rest[picks]])
        curve.append(_rmse(X_pool, y_pool, rows, X_test, y_test, seed)[0])
    return curve


def oracle_lcmd_error(X_pool, y_pool, X_test, y_test, budgets, spec, seed):
    """The default's batches with each row's mass scaled by the true error."""
    return _lcmd_towards(
        lambda rest, error: error, X_pool, y_pool, X_test, y_test, budgets, spec, seed
    )


def oracle_lcmd_expected_error(X_pool, y_pool, X_test, y_test, budgets, spec, seed):
    """As oracle-lcmd-error, with the error's expectation given the inputs.

    Each pool row's weight is a forest's out-of-fold prediction of the true
    absolute error from the inputs (3 folds over the pool), so a row's own
    noise does not count: the best any error estimate could do.
    """
    smoother = RandomForestRegressor(
        50, min_samples_leaf=20, max_samples=0.5, random_state=seed
    )
    folds = KFold(3, shuffle=True, random_state=seed)

    def expected(rest, error):
        return cross_val_predict(smoother, X_pool[rest], error, cv=folds)

    return _lcmd_towards(expected, X_pool, y_pool, X_test, y_test, budgets, spec, seed)


DESIGNS = {
    "oracle-kmeans": oracle_kmeans,
    "oracle-residual": oracle_residual,
    "oracle-lcmd-error": oracle_lcmd_error,
    "oracle-lcmd-expected-error": oracle_lcmd_expected_error,
}


def oracle_curves(dataset, seed, protocol="main", done=None):
    """RMSE after every round for every oracle design not in ``done``."""
    out = dict(done or {})
    setup = _setup(dataset, seed, protocol)
    if setup is None:
        return None
    out["n_labels"] = setup[4]
    for name, design in DESIGNS.items():
        if name not in out:
            out[name] = design(*setup, seed)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--datasets", nargs="+", default=list(le.REAL_DATASETS))
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--protocol", choices=list(le.PROTOCOLS), default="main")
    args = parser.parse_args(argv)
    spec = le.PROTOCOLS[args.protocol]
    from sklearn.utils.parallel import Parallel, delayed

    seeds = list(range(args.seeds))
    cache = le.CACHE / "ceiling" / args.protocol
    cache.mkdir(parents=True, exist_ok=True)

    def cell(dataset, seed):
        path = cache / f"{dataset}_seed{seed}.json"
        done = json.loads(path.read_text()) if path.exists() else {}
        if done is not None and not set(DESIGNS) <= set(done):
            done = oracle_curves(dataset, seed, args.protocol, done)
            path.write_text(json.dumps(done))
        return dataset, seed, done

    cells = Parallel(n_jobs=args.n_jobs)(
        delayed(cell)(d, s) for d in args.datasets for s in seeds
    )
    rows = []
    for dataset in args.datasets:
        base = le._load(dataset, "rf", args.protocol, "random", seeds)
        ours = {s: c for d, s, c in cells if d == dataset and c is not None}
        if not isinstance(base, list) or len(ours) < len(seeds):
            continue
        base_log = np.log([c["rmse"][1:] for c in base])
        row = {"dataset": dataset, "n_seeds": len(seeds)}
        for design in DESIGNS:
            own = np.log([ours[s][design] for s in seeds])
            row[design] = float(np.exp(np.mean(own - base_log)))
        rows.append(row)
    # The default's ratio and the whole-pool headroom, as label_efficiency.py reports them.
    default = le.summarize(
        list(le.REAL_DATASETS), ["rf"], args.protocol, ["lcmd"], seeds
    )
    default = default.set_index("dataset")
    table = pd.DataFrame(rows).set_index("dataset")
    table["lcmd (default)"] = default["rmse_ratio"]
    table["whole pool"] = default["headroom"]
    le.RESULTS.mkdir(parents=True, exist_ok=True)
    name = "design_ceiling" + ("" if args.protocol == "main" else f"_{args.protocol}")
    table.to_csv(le.RESULTS / f"{name}.csv", float_format="%.4f")
    summary = table.drop(columns="n_seeds")
    summary.loc["median"] = summary.median()
    summary.loc["geometric mean"] = np.exp(np.log(summary.iloc[:-1]).mean())
    text = "\n".join(
        [
            f"# Designs that cheat: an optimistic reference for the {args.protocol} protocol",
            "",
            (
                f"Generated by `python benchmarks/design_ceiling.py --seeds {args.seeds} "
                f"--protocol {args.protocol}`. Random forest, {spec['initial']} initial + "
                f"{spec['rounds']} x {spec['batch']} labels, pool <= {spec['pool_cap']:,}; ratio "
                "of RMSE to random averaged over the curve (below 1 is better). The oracle "
                "designs read every pool label before choosing; no strategy can."
            ),
            "",
            le._md_table(summary.rename_axis("dataset")),
            "",
        ]
    )
    (le.RESULTS / f"{name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
