"""Label efficiency of the Dask path (per-block shortlists) against in-memory.

The default strategy (LCMD) chooses its batch jointly, so on a Dask pool each
block proposes a shortlist of ``shortlist_factor * n`` rows and the exact
rule runs over the shortlists. This measures what that costs in labels.

Run from the repository root (needs the ``dask`` and ``datasets`` extras)::

    nice -n 10 python benchmarks/dask_label_efficiency.py
    nice -n 10 python benchmarks/dask_label_efficiency.py --datasets concrete --seeds 0 1

Protocol: the ``main`` protocol of ``benchmarks/label_efficiency.py`` (same
splits, encoding and standardisation: 20 random initial labels, 10 rounds of
20, pool capped at 5,000 rows), with a ``RandomForestRegressor(n_estimators=
--trees)``. The Dask pool is the same rows as a ``dask.array`` in ``--blocks``
equal blocks, queried on the threaded scheduler (the answers on a
``distributed`` cluster are the same; the tests check it). The figure is the
area under the test-RMSE curve, as a ratio to random sampling's under the
same seeds (lower is better), and the Dask path's ratio to in-memory LCMD's.
Writes ``docs/benchmarks/results/dask_label_efficiency.{csv,md}``.
"""

import argparse

import numpy as np
import pandas as pd
from _common import RESULTS, rmse
from label_efficiency import PROTOCOLS, prepare
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor


def curve(data, seed, strategy, trees, blocks=None, factor=None):
    """Test RMSE after each round; the area under it (trapezoids over labels)."""
    import dask
    import dask.array as da

    X_pool, y_pool, X_test, y_test = data
    spec = PROTOCOLS["main"]
    start = np.random.RandomState(seed).choice(
        y_pool.shape[0], spec["initial"], replace=False
    )
    rest = np.setdiff1d(np.arange(y_pool.shape[0]), start)
    model = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=trees, n_jobs=1),
        strategy=strategy,
        random_state=seed,
    ).fit(X_pool[start], y_pool[start])
    first = rmse(y_test, model.predict(X_test))
    pool = X_pool[rest]
    if blocks:
        pool = da.from_array(pool, chunks=(-(-pool.shape[0] // blocks), -1))
    config = {"scheduler": "threads", "skactive.shortlist_factor": factor or 2}
    with dask.config.set(config):
        model.learn(
            pool,
            y_pool[rest],
            n_queries=spec["batch"] * spec["rounds"],
            batch_size=spec["batch"],
            X_val=X_test,
            y_val=y_test,
        )
    labels = [spec["initial"]] + [r["n_labels"] for r in model.history_]
    curve = [first] + [r["val_rmse"] for r in model.history_]
    return float(np.trapezoid(curve, labels))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=["concrete", "computers", "cps1988", "friedman1"],
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--factors", nargs="+", type=int, default=[1, 2, 4])
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--trees", type=int, default=50)
    args = parser.parse_args()
    rows = []
    for dataset in args.datasets:
        for seed in args.seeds:
            data = prepare(dataset, "main", seed)
            runs = {
                "random": curve(data, seed, "random", args.trees),
                "lcmd in memory": curve(data, seed, "lcmd", args.trees),
            }
            for factor in args.factors:
                runs[f"lcmd dask, shortlist {factor}n"] = curve(
                    data, seed, "lcmd", args.trees, args.blocks, factor
                )
            for method, area in runs.items():
                rows.append(
                    {
                        "dataset": dataset,
                        "seed": seed,
                        "method": method,
                        "aulc": area,
                        "ratio_to_random": area / runs["random"],
                    }
                )
                print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    frame.to_csv(RESULTS / "dask_label_efficiency.csv", index=False)
    table = frame.groupby(["dataset", "method"])["ratio_to_random"].agg(["mean", "std"])
    memory = frame[frame["method"] == "lcmd in memory"].set_index(["dataset", "seed"])
    frame["ratio_to_in_memory"] = [
        r.aulc / memory.loc[(r.dataset, r.seed), "aulc"] for r in frame.itertuples()
    ]
    vs_memory = frame.groupby(["dataset", "method"])["ratio_to_in_memory"].mean()
    lines = [
        "| data set | method | AULC / random (mean ± sd) | AULC / in-memory LCMD |",
        "| --- | --- | ---: | ---: |",
    ]
    for (dataset, method), r in table.iterrows():
        lines.append(
            f"| {dataset} | {method} | {r['mean']:.3f} ± {r['std']:.3f} | "
            f"{vs_memory[(dataset, method)]:.3f} |"
        )
    lines += [
        "",
        f"main protocol, RandomForestRegressor({args.trees} trees), seeds "
        f"{args.seeds}, Dask pool in {args.blocks} equal blocks, threaded scheduler. "
        "Lower is better.",
    ]
    (RESULTS / "dask_label_efficiency.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
