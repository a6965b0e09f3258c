"""Wall time of ``simulate`` with a forest pipeline and with boosting pipelines.

Issue 18 asks that a ``simulate`` with a gradient-boosting pipeline take at
most 3 times the forest's time on the same data. This script runs the same
``simulate`` call with each model at the end of the command line's default
CSV pipeline (``skactive.cli._common.default_pipeline``: median imputation,
most-frequent imputation and one-hot encoding) and reports the median wall
time of each and its ratio to the forest's.

Rerun from the repository root (about 10 minutes on 2 shared cores)::

    nice -n 10 python benchmarks/simulate_speed.py

Flags: ``--dataset`` (a name of ``skactive.datasets``; default diamonds),
``--rows`` (rows drawn from it, default 1,500), ``--timings`` (timings per
model, default 3), ``--models`` (``rf``, ``hgb``, ``hgb-omp``, ``xgb``,
``lgbm``; xgb and lgbm are skipped without the ``boost`` extra),
``--append`` (add timings to those in the CSV), ``--report-only`` (rebuild
the table from the CSV).

Every timing is one ``simulate(learner, X, y, strategies=["lcmd",
"random"], budget=120, initial_size=20, batch_size=20, n_repeats=3,
random_state=0, n_jobs=1)``: the default strategy and random, 3 repeats,
plus the whole-pool fit per repeat and the up-front check. Models are timed
interleaved (rf, hgb, ..., then again), so a change in the machine's load
hits every model alike; the table gives the median of the timings. Models:

* ``rf``: the CLI's default, a 100-tree random forest;
* ``hgb``: ``HistGradientBoostingRegressor()``, as skactive runs it now;
* ``hgb-omp``: the same with the OpenMP thread limit of
  ``skactive._boosting.one_thread`` switched off (every fit and predict on
  all cores, as before issue 18); its results are the same, only the time
  differs;
* ``xgb``, ``lgbm``: ``XGBRegressor()``, ``LGBMRegressor(verbose=-1)``, with
  their library defaults for threads.

Writes ``docs/benchmarks/results/simulate_speed.csv`` (one row per timing)
and ``simulate_speed.md``. The load average of the machine is recorded with
each timing: other processes share the cores.
"""

import argparse
import importlib.util
import os
import time

import numpy as np
import pandas as pd
from _common import RESULTS
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingRegressor

from skactive import ActiveLearningRegressor, _boosting, simulate
from skactive.cli._common import default_pipeline
from skactive.datasets import load_dataset

MODELS = ("rf", "hgb", "hgb-omp", "xgb", "lgbm")
SETTINGS = {
    "strategies": ["lcmd", "random"],
    "budget": 120,
    "initial_size": 20,
    "batch_size": 20,
    "n_repeats": 3,
    "random_state": 0,
    "n_jobs": 1,
}


def _final(name):
    if name == "rf":
        return None
    if name in ("hgb", "hgb-omp"):
        return HistGradientBoostingRegressor(random_state=0)
    if name == "xgb":
        import xgboost

        return xgboost.XGBRegressor(random_state=0)
    import lightgbm

    return lightgbm.LGBMRegressor(random_state=0, verbose=-1)


def learner(name):
    """The learner of one model: the CLI pipeline with ``name`` at its end."""
    pipe = default_pipeline(random_state=0)
    final = _final(name)
    if final is not None:
        pipe.steps[-1] = (name.replace("-", "_"), final)
    return ActiveLearningRegressor(pipe, random_state=0)


def available(names):
    """The models whose packages are installed; print a note for the rest."""
    out = []
    for name in names:
        package = {"xgb": "xgboost", "lgbm": "lightgbm"}.get(name)
        if package and importlib.util.find_spec(package) is None:
            print(f"{name}: skipped, needs the 'boost' extra ({package})")
            continue
        out.append(name)
    return out


def time_one(name, X, y):
    """Seconds of one simulate, and the default's RMSE ratio to random."""
    default_limit = _boosting.ONE_THREAD_BELOW
    if name == "hgb-omp":
        _boosting.ONE_THREAD_BELOW = 0
    try:
        start = time.perf_counter()
        result = simulate(clone(learner(name)), X, y, **SETTINGS)
        seconds = time.perf_counter() - start
    finally:
        _boosting.ONE_THREAD_BELOW = default_limit
    ratio = float(result.summary().loc["lcmd", "rmse_ratio"])
    return seconds, ratio


def table(frame):
    """Median seconds per model, its ratio to the forest's median, and the
    median of its ratios to the forest timed in the same round (paired: the
    same load)."""
    rows = []
    forest_runs = frame[frame["model"] == "rf"].set_index("timing")["seconds"]
    forest = forest_runs.median()
    for name, group in frame.groupby("model", sort=False):
        median = group["seconds"].median()
        paired = group["seconds"].to_numpy() / forest_runs.reindex(group["timing"])
        rows.append(
            {
                "model": name,
                "timings": len(group),
                "median s": round(median, 1),
                "min s": round(group["seconds"].min(), 1),
                "max s": round(group["seconds"].max(), 1),
                "ratio to rf": round(median / forest, 2),
                "paired ratio": round(float(np.nanmedian(paired)), 2),
                "lcmd rmse ratio": round(group["lcmd_rmse_ratio"].median(), 3),
                "load": round(group["load"].median(), 1),
            }
        )
    return pd.DataFrame(rows)


def _markdown(frame):
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|" + "---|" * frame.shape[1])
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.to_numpy()]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="diamonds")
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--timings", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    parser.add_argument(
        "--append",
        action="store_true",
        help="add to the timings already in simulate_speed.csv (same data)",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rebuild simulate_speed.md from simulate_speed.csv",
    )
    args = parser.parse_args(argv)
    if args.report_only:
        write(pd.read_csv(RESULTS / "simulate_speed.csv"))
        print((RESULTS / "simulate_speed.md").read_text())
        return
    models = available(args.models)
    X, y = load_dataset(args.dataset)
    rows = np.random.RandomState(0).choice(len(y), args.rows, replace=False)
    X, y = X.iloc[rows].reset_index(drop=True), np.asarray(y, dtype=float)[rows]
    command = (
        "nice -n 10 python benchmarks/simulate_speed.py"
        + (f" --dataset {args.dataset}" if args.dataset != "diamonds" else "")
        + (f" --rows {args.rows}" if args.rows != 1500 else "")
        + (f" --timings {args.timings}" if args.timings != 3 else "")
        + (f" --models {' '.join(models)}" if args.models != list(MODELS) else "")
        + (" --append" if args.append else "")
    )
    records, first = [], 0
    if args.append and (RESULTS / "simulate_speed.csv").exists():
        records = pd.read_csv(RESULTS / "simulate_speed.csv").to_dict("records")
        first = 1 + max(record["timing"] for record in records)
    for timing in range(first, first + args.timings):
        for name in models:  # interleaved: one timing of each model in turn
            seconds, ratio = time_one(name, X, y)
            load = os.getloadavg()[0]
            records.append(
                {
                    "dataset": args.dataset,
                    "rows": args.rows,
                    "model": name,
                    "timing": timing,
                    "seconds": round(seconds, 2),
                    "lcmd_rmse_ratio": round(ratio, 4),
                    "load": round(load, 2),
                    "command": command,
                }
            )
            print(
                f"{name} timing {timing}: {seconds:.1f} s (load {load:.1f})", flush=True
            )
            # Written after every timing, so an interrupted run keeps its figures.
            write(pd.DataFrame(records))
    print((RESULTS / "simulate_speed.md").read_text())


def write(frame):
    """Write the CSV of timings and the Markdown table."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    frame.to_csv(RESULTS / "simulate_speed.csv", index=False)
    settings = ", ".join(f"{k}={v!r}" for k, v in SETTINGS.items())
    dataset, n_rows = frame["dataset"].iloc[0], int(frame["rows"].iloc[0])
    if "command" not in frame:
        frame["command"] = None
    # Rows written before the command was recorded came from the plain run.
    ran = frame["command"].fillna("nice -n 10 python benchmarks/simulate_speed.py")
    commands = "\n".join(dict.fromkeys(ran))
    text = (
        "# simulate with a forest and with boosting pipelines\n\n"
        f"`simulate(learner, X, y, {settings})` on {n_rows:,} rows of "
        f"`{dataset}`, the model at the end of the CLI's default CSV "
        "pipeline (imputation, one-hot encoding). Median wall time of the "
        "timings of each model, taken interleaved; `ratio to rf`: median "
        "over the forest's median; `paired ratio`: median over rounds of the "
        "model's time over the forest's in the same round (the same load). "
        "`hgb-omp`: HGB with the one-thread limit "
        "for small fits switched off (as before issue 18). `lcmd rmse "
        "ratio`: the default's RMSE ratio to random in that run (the same "
        "for `hgb` and `hgb-omp`: the limit changes time, not results). "
        "`load`: the machine's 1-minute load average after the timing "
        "(2 cores, shared with other work).\n\n"
        f"Run, in order:\n\n```\n{commands}\n```\n\n" + _markdown(table(frame)) + "\n"
    )
    (RESULTS / "simulate_speed.md").write_text(text)


if __name__ == "__main__":
    main()
