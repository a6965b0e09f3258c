"""Membership query synthesis against random designs, with a simulator as the oracle.

One command (from the repository root)::

    nice -n 10 python benchmarks/synthesis.py            # 5 seeds, ~20 min on 2 cores
    nice -n 10 python benchmarks/synthesis.py --seeds 2   # quicker
    python benchmarks/synthesis.py --report-only         # tables and plot from cache

The oracle is a known simulator function, so any row can be labeled:

- ``borehole``: water flow through a borehole, 8 inputs on their standard
  ranges (Harper & Gupta 1983; Morris, Mitchell & Ylvisaker 1993), from
  radius 0.05-0.15 m to hydraulic conductivity 9,855-12,045 m/yr: inputs of
  very different scales.
- ``friedman1``: Friedman #1 on [0, 1]^10 (5 inputs inactive), noise-free.

Protocol, per function, learner and seed: 20 initial rows drawn uniformly in
the box and labeled; then 8 rounds of 10 rows up to 100 labels. Synthesis:
``learner.synthesize(10, bounds=box)`` and the simulator's answers go to
``teach``. Random design: 10 rows uniform in the same box per round, from the
same initial 20. ``max-score`` is synthesis without the information-density
weight (``skactive.synthesis.synthesize(..., density=0)``): the raw score
maximised. ``default`` is ``learner.synthesize`` with the learner's default
strategy (LCMD), which picks its batch jointly from uniform candidates of the
box, with LCMD's own masses (its error weight is for pools);
``default-weighted`` is the same with ``LCMDSampling(error_weighting=True)``,
each candidate's mass scaled by the estimated error. Test RMSE after every round on 5,000 uniform held-out rows
of the box. Learners: ``gp`` is ``MinMaxScaler`` + ``GaussianProcessRegressor``
(constant * RBF with one length scale per input + white noise, normalised
targets), whose spread is native; ``rf`` is ``RandomForestRegressor(100)``,
whose spread comes from its trees. Strategy ``"uncertainty"`` except for
``default``.

Headline: the RMSE ratio to random over the learning curve (exp of the mean
of log RMSE synthesis - log RMSE random over rounds after the initial one and
seeds; below 1 favours synthesis) and at 100 labels.

Finished runs are cached in ``benchmarks/.cache/synthesis_runs.jsonl``;
results go to ``docs/benchmarks/results/synthesis.{csv,md,png}``.
"""

import argparse
import json
import time
import warnings

import numpy as np
import pandas as pd
from _common import CACHE_DIR, RESULTS, read_jsonl, rmse
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skactive import ActiveLearningRegressor
from skactive._seeding import learner_rng
from skactive.strategies import LCMDSampling
from skactive.synthesis import synthesize

CACHE = CACHE_DIR / "synthesis_runs.jsonl"

N_INITIAL = 20
BATCH = 10
N_LABELS = 100
N_TEST = 5_000

BOREHOLE_BOX = np.array(
    [
        [0.05, 0.15],  # rw, radius of the borehole (m)
        [100, 50_000],  # r, radius of influence (m)
        [63_070, 115_600],  # Tu, transmissivity of the upper aquifer (m2/yr)
        [990, 1_110],  # Hu, potentiometric head of the upper aquifer (m)
        [63.1, 116],  # Tl, transmissivity of the lower aquifer (m2/yr)
        [700, 820],  # Hl, potentiometric head of the lower aquifer (m)
        [1_120, 1_680],  # L, length of the borehole (m)
        [9_855, 12_045],  # Kw, hydraulic conductivity of the borehole (m/yr)
    ]
)


def borehole(X):
    rw, r, tu, hu, tl, hl, length, kw = X.T
    log_ratio = np.log(r / rw)
    return (2 * np.pi * tu * (hu - hl)) / (
        log_ratio * (1 + 2 * length * tu / (log_ratio * rw**2 * kw) + tu / tl)
    )


def friedman1(X):
    return (
        10 * np.sin(np.pi * X[:, 0] * X[:, 1])
        + 20 * (X[:, 2] - 0.5) ** 2
        + 10 * X[:, 3]
        + 5 * X[:, 4]
    )


FUNCTIONS = {
    "borehole": (borehole, BOREHOLE_BOX),
    "friedman1": (friedman1, np.tile([0.0, 1.0], (10, 1))),
}


def learner_for(name, d, seed, strategy="uncertainty"):
    if name == "gp":
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(
            length_scale=np.ones(d), length_scale_bounds=(1e-2, 1e3)
        ) + WhiteKernel(1e-4, (1e-8, 1e-1))
        estimator = make_pipeline(
            MinMaxScaler(),
            GaussianProcessRegressor(kernel, normalize_y=True, random_state=seed),
        )
    else:
        estimator = RandomForestRegressor(n_estimators=100, random_state=seed, n_jobs=1)
    return ActiveLearningRegressor(estimator, strategy=strategy, random_state=seed)


def uniform(box, n, rng):
    return rng.uniform(box[:, 0], box[:, 1], size=(n, box.shape[0]))


def run(function, learner_name, method, seed):
    f, box = FUNCTIONS[function]
    rng = np.random.RandomState(seed)
    X_test = uniform(box, N_TEST, np.random.RandomState(10_000 + seed))
    y_test = f(X_test)
    X0 = uniform(box, N_INITIAL, rng)
    # "default": the learner's default strategy, synthesized with defaults.
    strategy = {
        "default": "lcmd",
        "default-weighted": LCMDSampling(error_weighting=True),
    }.get(method, "uncertainty")
    learner = learner_for(learner_name, box.shape[0], seed, strategy).fit(X0, f(X0))
    design_rng = np.random.RandomState(20_000 + seed)
    bounds = [tuple(pair) for pair in box]
    records = []
    while True:
        error = rmse(y_test, learner.predict(X_test))
        records.append(
            {
                "function": function,
                "learner": learner_name,
                "method": method,
                "seed": seed,
                "n_labels": int(learner.n_labeled_),
                "rmse": error,
            }
        )
        if learner.n_labeled_ >= N_LABELS:
            return records
        if method in ("synthesis", "default", "default-weighted"):
            X_new = learner.synthesize(BATCH, bounds=bounds)
        elif method == "max-score":
            X_new = synthesize(
                learner,
                BATCH,
                bounds=bounds,
                density=0,
                random_state=learner_rng(learner, salt=learner.n_labeled_ + 2),
            )
        else:
            X_new = uniform(box, BATCH, design_rng)
        learner.teach(X_new, f(X_new))


def load_cache():
    return read_jsonl(CACHE, key=lambda entry: entry["key"])


# "default": the default strategy (LCMD), synthesized with defaults.
METHODS = ("default", "default-weighted", "synthesis", "max-score", "random")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument(
        "--learners", nargs="+", default=["gp", "rf"], choices=["gp", "rf"]
    )
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    args = parser.parse_args(argv)
    done = load_cache()
    if not args.report_only:
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        for seed in range(args.seeds):
            for function in FUNCTIONS:
                for learner_name in args.learners:
                    for method in args.methods:
                        key = f"{function}/{learner_name}/{method}/{seed}"
                        if key in done:
                            continue
                        t0 = time.perf_counter()
                        entry = {
                            "key": key,
                            "records": run(function, learner_name, method, seed),
                            "seconds": time.perf_counter() - t0,
                        }
                        CACHE.parent.mkdir(parents=True, exist_ok=True)
                        with CACHE.open("a") as fh:
                            fh.write(json.dumps(entry) + "\n")
                        done[key] = entry
                        print(f"{key}: {entry['seconds']:.1f} s", flush=True)
    report(done)


def report(done):
    RESULTS.mkdir(parents=True, exist_ok=True)
    curves = pd.DataFrame([r for e in done.values() for r in e["records"]])
    curves.to_csv(RESULTS / "synthesis.csv", index=False)
    seconds = pd.DataFrame(
        [
            dict(
                zip(("function", "learner", "method", "seed"), k.split("/")),
                seconds=e["seconds"],
            )
            for k, e in done.items()
        ]
    )
    lines = [
        "# Membership query synthesis vs random designs",
        "",
        "Rerun: `nice -n 10 python benchmarks/synthesis.py` (cached runs are "
        "skipped; `--report-only` rebuilds this page). Protocol in the script's "
        f"docstring: a simulator as the oracle, {N_INITIAL} random initial rows, "
        f"rounds of {BATCH} up to {N_LABELS} labels, "
        f"{curves['seed'].nunique()} seeds, test RMSE on {N_TEST:,} uniform "
        "held-out rows of the box. `default` is `learner.synthesize` with the "
        "default strategy (LCMD: its batch chosen from uniform candidates, with "
        "its own masses); `default-weighted` with `LCMDSampling(error_weighting="
        "True)` (masses scaled by the estimated error); "
        "`synthesis` is `learner.synthesize` with strategy `uncertainty` (score "
        "weighted by information density); `max-score` maximises the raw score "
        "(`density=0`). Ratios are to random designs; below 1 favours synthesis.",
        "",
        "| function | learner | method | RMSE @100 | RMSE random @100 "
        "| ratio @100 (median over seeds) | ratio over the curve | seeds better "
        "@100 | seconds per run |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (function, learner), part in curves.groupby(["function", "learner"]):
        table = part.pivot_table(
            index=["seed", "n_labels"], columns="method", values="rmse"
        )
        final = table.xs(N_LABELS, level="n_labels")
        later = table[table.index.get_level_values("n_labels") > N_INITIAL]
        secs = seconds[
            (seconds["function"] == function) & (seconds["learner"] == learner)
        ]
        secs = secs.groupby("method")["seconds"].median()
        for method in ("default", "default-weighted", "synthesis", "max-score"):
            if method not in table or part[part["method"] == method].empty:
                continue
            both = final[[method, "random"]].dropna()
            pair = later[[method, "random"]].dropna()
            curve_ratio = np.exp((np.log(pair[method]) - np.log(pair["random"])).mean())
            ratio = (both[method] / both["random"]).median()
            wins = (both[method] < both["random"]).sum()
            lines.append(
                f"| {function} | {learner} | {method} | {both[method].median():.4g} "
                f"| {both['random'].median():.4g} | {ratio:.3f} | {curve_ratio:.3f} "
                f"| {wins}/{len(both)} | {secs.get(method, np.nan):.1f} |"
            )
    lines += ["", "![learning curves](synthesis.png)", ""]
    (RESULTS / "synthesis.md").write_text("\n".join(lines))
    print("\n".join(lines))
    plot(curves)


def plot(curves):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(curves.groupby(["function", "learner"]))
    fig, axes = plt.subplots(1, len(groups), figsize=(4.2 * len(groups), 3.6))
    for ax, ((function, learner), part) in zip(np.atleast_1d(axes), groups):
        for method, style in (
            ("default", "-D"),
            ("default-weighted", "-v"),
            ("synthesis", "-o"),
            ("max-score", ":^"),
            ("random", "--s"),
        ):
            curve = part[part["method"] == method].groupby("n_labels")["rmse"].median()
            ax.plot(curve.index, curve.to_numpy(), style, ms=3, label=method)
        ax.set_yscale("log")
        ax.set_title(f"{function}, {learner}")
        ax.set_xlabel("labels")
        ax.set_ylabel("test RMSE (median over seeds)")
        ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "synthesis.png", dpi=110)


if __name__ == "__main__":
    main()
