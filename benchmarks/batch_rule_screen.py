"""Screen batch rules for score strategies before one becomes the default.

Runs candidate batch rules through exactly the protocol and cache of
``label_efficiency.py`` (same splits, same initial labels, same test sets,
random under the same seeds), with labels ``<strategy>-<variant>``::

    nice -n 10 python benchmarks/batch_rule_screen.py --seeds 3 \
        --datasets friedman1 diamonds txhousing concrete computers \
        --strategies uncertainty --variants lcmd1 lcmd0 kpp1

Variants (``s``: the strategy's score, shifted to be >= 0 and divided by its
mean; ``d``: standardized Euclidean distance, in the model's input space, to
the nearest labeled row or row already in the batch):

- ``lcmd<a>``: largest-cluster maximum-distance (Holzmüller et al. 2023) with
  the squared distances scaled by ``s ** a`` -- the score-scaled kernel;
- ``kpp<a>``: k-means++ sampling, probability proportional to ``s ** a * d**2``
  (Ash et al. 2020, BADGE-style);
- ``kppd<a>``: the same with ``s ** a * d``;
- ``prop``: sampling proportional to ``s`` without replacement.

The package's own rule is ``DiverseSelection``; this script is the record of
the screen that chose it. Results are printed (ratio to random, geometric
mean over the data sets) and cached beside the main benchmark's cells.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import label_efficiency as le  # noqa: E402
from sklearn.base import BaseEstimator  # noqa: E402

from skactive import _geometry as geo  # noqa: E402


class ScreenRule(BaseEstimator):
    """A candidate batch rule (research only)."""

    needs_model_space = True
    _parameter_constraints = {"variant": [str]}

    def __init__(self, variant="lcmd1"):
        self.variant = variant

    def select(self, scores, n, X_model=None, X_labeled=None, random_state=None):
        rng = np.random.RandomState(0) if random_state is None else random_state
        s = np.where(np.isfinite(scores), scores, 0.0)
        s = s - min(0.0, s.min())
        s = s / s.mean() if s.mean() > 0 else np.ones_like(s)
        X = geo.as_model_matrix(X_model)
        L = geo.as_model_matrix(X_labeled)
        w = 1.0 / geo.feature_scales(X, L)
        F = geo.scaled_rows(X, w)
        C = geo.scaled_rows(L, w)
        if self.variant == "prop":
            p = s / s.sum()
            k = min(n, int((p > 0).sum()))
            head = rng.choice(s.size, k, replace=False, p=p)
            rest = np.setdiff1d(np.arange(s.size), head)
            return np.concatenate([head, rest[: n - k]])
        a = float(self.variant[4:] if self.variant.startswith(("lcmd", "kppd"))
                  else self.variant[3:])
        weight = s**a
        if self.variant.startswith("lcmd"):
            return geo.lcmd(F, C, n, row_weight=weight)
        if self.variant.startswith("kppd"):  # distance, not squared distance
            a = float(self.variant[4:])
            return geo.kmeanspp(F, C, n, row_weight=s**a, random_state=rng, power=1.0)
        return geo.kmeanspp(F, C, n, row_weight=weight, random_state=rng)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", nargs="+", default=["friedman1"])
    parser.add_argument("--learners", nargs="+", default=["rf"])
    parser.add_argument("--strategies", nargs="+", default=["uncertainty"])
    parser.add_argument("--variants", nargs="+", default=["lcmd1"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--report-only", action="store_true",
                        help="write docs/benchmarks/results/batch_rule_screen.md "
                             "from every screened cell in the cache")
    args = parser.parse_args(argv)
    if args.report_only:
        return report(list(range(args.seeds)))
    ours = le.skactive_strategies()
    extra = {}
    for strategy in args.strategies:
        for variant in args.variants:
            params = {"strategy": strategy, "batch_selection": ScreenRule(variant)}
            extra[f"{strategy}-screen-{variant}"] = params
    le.skactive_strategies = lambda: {**ours, **extra}
    labels = ["random", *extra]
    seeds = list(range(args.seeds))
    for dataset in args.datasets:
        for learner in args.learners:
            for seed in seeds:
                for cell in le._run_group(dataset, learner, "main", seed, labels):
                    print(*cell, flush=True)
    table = le.summarize(args.datasets, args.learners, "main", labels, seeds)
    if table.empty:
        return 1
    wide = table.pivot_table(index=["learner", "strategy"], columns="dataset",
                             values="rmse_ratio")
    wide["geomean"] = np.exp(np.log(wide).mean(axis=1))
    print(wide.round(3).to_string())
    return 0


def report(seeds):
    """Every screened variant with all ``seeds`` finished, per learner."""
    parts = ["# Batch-rule screen for score strategies", "",
             f"Generated by `python benchmarks/batch_rule_screen.py --report-only "
             f"--seeds {len(seeds)}`: the cells of the screen in the cache (protocol "
             "main of label_efficiency.py; ratio to random over the curve, below 1 "
             "is better; blank: not run). Variants: see the script's docstring; "
             "the chosen default, `kpp1`, is `DiverseSelection()`.", ""]
    for learner in ("rf", "hgb"):
        root = le.CACHE / "main" / learner
        if not root.is_dir():
            continue
        datasets = sorted(d.name for d in root.iterdir())
        labels = sorted({p.name for d in datasets for p in (root / d).iterdir()
                         if "-screen-" in p.name})
        table = le.summarize(datasets, [learner], "main", ["random", *labels], seeds)
        table = table[table["strategy"] != "random"]
        if table.empty:
            continue
        wide = table.pivot(index="strategy", columns="dataset", values="rmse_ratio")
        wide["geomean (shown sets)"] = np.exp(np.log(wide).mean(axis=1))
        wide.index.name = f"{learner}, {len(seeds)} seeds"
        parts += [le._md_table(wide), ""]
    path = le.OUT / "batch_rule_screen.md"
    path.write_text("\n".join(parts) + "\n")
    print(path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
