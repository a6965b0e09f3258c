"""Screen committee designs for gradient boosting under the default strategy.

Runs the default strategy (LCMD) of ``label_efficiency.py`` with each
committee design of ``skactive/_boosting.py`` and random sampling, on the
same splits, seeds and protocol as ``label_efficiency.py``::

    OMP_NUM_THREADS=1 nice -n 15 python benchmarks/boosting_designs.py \\
        --learner hgb --datasets diamonds slid computers storms --seeds 3 \\
        --designs boot subsample subsample-leaf virtual

Designs: ``boot`` (5 bootstrap clones, the learner's own settings: the
design before issue 19), ``subsample`` (5 clones with their own seed, row
and feature subsampling, early stopping off; HGB, which has no row
subsampling, draws a bootstrap resample), ``subsample-leaf`` (the same with
leaves of at most ``n_labeled // 10`` rows, 2..20), ``bag-leaf`` (the same
with bootstrap rows instead of row subsampling), ``virtual`` (no
refit: the model's truncated predictions after evenly spaced iterations of
its second half, a virtual ensemble). Cells are cached in
``benchmarks/.cache/boosting_designs/``; the table (ratio to random per data
set, median and geometric mean, median seconds per run) is printed.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import label_efficiency as le
import numpy as np
import pandas as pd
from _common import CACHE_DIR

from skactive import _boosting

CACHE = CACHE_DIR / "boosting_designs"
DESIGNS = ("boot", "subsample", "subsample-leaf", "bag-leaf", "virtual")
# Peers of label_efficiency.py, run as rows beside the designs.
PEERS = ("skactiveml-rtal", "skactiveml-gsx")


def _path(protocol, learner, dataset, design, seed):
    return CACHE / protocol / learner / dataset / design / f"seed{seed}.json"


def run(protocol, learner, datasets, designs, seeds):
    for seed in seeds:
        for dataset in datasets:
            todo = [
                d
                for d in ["random", *designs]
                if not _path(protocol, learner, dataset, d, seed).exists()
            ]
            if not todo:
                continue
            data = le.prepare(dataset, protocol, seed)
            for design in todo:
                if design in DESIGNS:
                    _boosting._DESIGN = design
                strategy = design if design in ("random", *PEERS) else "lcmd-top"
                result = le.run_cell(dataset, learner, protocol, strategy, seed, data)
                path = _path(protocol, learner, dataset, design, seed)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(result))
                print(
                    f"{dataset} {design} seed{seed} {result['seconds']:.1f}s",
                    flush=True,
                )


def table(protocol, learner, datasets, designs, seeds):
    rows = []
    for dataset in datasets:
        base = [_path(protocol, learner, dataset, "random", s) for s in seeds]
        if not all(p.exists() for p in base):
            continue
        base_log = np.array(
            [np.log(json.loads(p.read_text())["rmse"][1:]) for p in base]
        )
        for design in designs:
            own = [_path(protocol, learner, dataset, design, s) for s in seeds]
            if not all(p.exists() for p in own):
                continue
            cells = [json.loads(p.read_text()) for p in own]
            own_log = np.array([np.log(c["rmse"][1:]) for c in cells])
            rows.append(
                {
                    "dataset": dataset,
                    "design": design,
                    "ratio": float(np.exp(np.mean(own_log - base_log))),
                    "seconds": float(np.median([c["seconds"] for c in cells])),
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    wide = frame.pivot(index="design", columns="dataset", values="ratio")
    wide["median"] = wide.median(axis=1)
    wide["geomean"] = np.exp(np.log(wide.drop(columns="median")).mean(axis=1))
    wide["lost"] = (wide.drop(columns=["median", "geomean"]) > 1.02).sum(axis=1)
    wide["seconds"] = frame.groupby("design")["seconds"].median()
    return wide


def timing(learners, designs=("random", "boot", "subsample-leaf", "virtual")):
    """Median CPU seconds of one learning curve per design (seed 0, diamonds
    and computers, 3 repeats, designs interleaved so load drifts hit all)."""
    import time as _time

    seconds = {}
    for learner in learners:
        data = {d: le.prepare(d, "main", 0) for d in ("diamonds", "computers")}
        for _ in range(3):
            for design in designs:
                for dataset, split in data.items():
                    if design != "random":
                        _boosting._DESIGN = design
                    strategy = "random" if design == "random" else "lcmd-top"
                    start = _time.process_time()
                    le.run_cell(dataset, learner, "main", strategy, 0, split)
                    seconds.setdefault((learner, design), []).append(
                        _time.process_time() - start
                    )
    return pd.Series({k: float(np.median(v)) for k, v in seconds.items()}).unstack()


def write_page(sections):
    """``docs/benchmarks/results/boosting_designs.md`` from (title, command, table) triples."""
    lines = [
        "# Committee designs for gradient boosting",
        "",
        "The default strategy (LCMD) with each committee design of "
        "`skactive/_boosting.py`, against random sampling on the same splits and "
        "seeds, in the protocol of `label_efficiency.py`. Cell: exp(mean over "
        "seeds and rounds of log RMSE - log RMSE of random); below 1 is better. "
        "`lost`: data sets above 1.02. `seconds`: median wall time of one "
        "learning curve (2 shared cores, `nice -n 15`, one thread).",
        "",
        "Designs: `boot` 5 bootstrap clones with the learner's own settings (the "
        "design before issue 19); `subsample` 5 clones with their own seed, row "
        "and feature subsampling, early stopping off (HGB: bootstrap rows); "
        "`subsample-leaf` the same with leaves of at most n_labeled // 10 rows "
        "(2..20, never coarser than the user's): the default now; `bag-leaf` "
        "the same with bootstrap rows instead of row subsampling; `virtual` no "
        "refit, the model's own truncations after evenly spaced iterations of "
        "its second half (Malinin et al., 2021).",
    ]
    for title, command, frame in sections:
        lines += ["", f"## {title}", "", f"`{command}`", ""]
        frame = frame.round(3)
        cols = list(frame.columns)
        lines.append("| design | " + " | ".join(map(str, cols)) + " |")
        lines.append("|---|" + "---|" * len(cols))
        for design, row in frame.iterrows():
            lines.append(
                f"| {design} | "
                + " | ".join(
                    str(int(v))
                    if c == "lost"
                    else f"{v:.3f}"
                    if c != "seconds"
                    else f"{v:.1f}"
                    for c, v in row.items()
                )
                + " |"
            )
    out = le.OUT / "boosting_designs.md"
    out.write_text("\n".join(lines) + "\n")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learner", default="hgb", choices=le.LEARNERS)
    parser.add_argument("--protocol", default="main", choices=sorted(le.PROTOCOLS))
    parser.add_argument("--datasets", nargs="+", default=["diamonds", "slid"])
    parser.add_argument(
        "--designs", nargs="+", default=list(DESIGNS), choices=DESIGNS + PEERS
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument(
        "--timing",
        nargs="+",
        choices=le.LEARNERS,
        help="only time the designs with these learners",
    )
    args = parser.parse_args(argv)
    if args.timing:
        print(timing(args.timing).round(2).to_string())
        return 0
    seeds = list(range(args.seeds))
    if not args.report_only:
        run(args.protocol, args.learner, args.datasets, args.designs, seeds)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(
            table(args.protocol, args.learner, args.datasets, args.designs, seeds)
            .round(3)
            .to_string()
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
