"""Query time and peak memory on lazily generated Dask pools, beside the floor.

Run from the repository root (needs the ``dask`` extra and dask-ml)::

    pip install ".[dask]" dask-ml
    nice -n 10 python benchmarks/large_pool.py                       # 1M and 10M rows
    nice -n 10 python benchmarks/large_pool.py --sizes 1e6 1e7 5e7   # + 50M rows

Writes ``docs/benchmarks/results/large_pool.{csv,md,png}``. Finished cells
are cached in ``docs/benchmarks/results/large_pool_cache.jsonl``; a rerun
only measures what is missing (``--fresh`` starts over).

Set-up. The pool is ``dask.array.random.RandomState(0).random_sample((N,
20))`` in blocks of 250,000 rows (40 MB): generated block by block where it
is scored, never held anywhere whole. The learner is fit on 100 labeled rows
(Friedman #1 targets from the first five inputs) with a
``RandomForestRegressor(n_estimators=--trees)``; one ``query(pool, n=10)`` is
timed for ``strategy="uncertainty"`` and for the default strategy (LCMD).
The floor is dask-ml's ``ParallelPostFit(forest).predict(pool)`` with the
same fitted forest, reduced to one number on the workers (``.sum()``) so that
no prediction travels. Two schedulers: the threaded one (2 threads, one
process) and a ``distributed.LocalCluster`` of 2 worker processes with one
thread each.

Memory. ``client MB``: growth of the client process's peak resident set
during the call (VmHWM reset before it). ``worker MB``: the largest growth of
one worker process's resident set, sampled every 20 ms (the threaded
scheduler has no worker process: its blocks are scored in the client).
Times are medians of ``--repeats`` calls (one call from 10M rows up) after
a warm-up call on the first two blocks.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
from _common import RESULTS, read_jsonl

CACHE = RESULTS / "large_pool_cache.jsonl"
N_FEATURES = 20
BLOCK_ROWS = 250_000
METHODS = ("floor", "uncertainty", "default")


def _rss_kb(field, pid="self"):
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class _Sampler:
    """Peak resident set of some processes, sampled in a thread."""

    def __init__(self, pids):
        self.pids = list(pids)
        self.base = {p: _rss_kb("VmRSS", p) for p in self.pids}
        self.peak = dict(self.base)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for p in self.pids:
                self.peak[p] = max(self.peak[p], _rss_kb("VmRSS", p))
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def growth_mb(self):
        if not self.pids:
            return None
        return max(self.peak[p] - self.base[p] for p in self.pids) / 1024


def child(n_rows, scheduler, trees, repeats):
    """Measure every method at one (pool size, scheduler); print JSON lines."""
    import dask
    import dask.array as da
    from dask_ml.wrappers import ParallelPostFit
    from sklearn.datasets import make_friedman1
    from sklearn.ensemble import RandomForestRegressor

    from skactive import ActiveLearningRegressor

    X, y = make_friedman1(n_samples=100, n_features=N_FEATURES, random_state=0)

    def learner(strategy):
        forest = RandomForestRegressor(n_estimators=trees, random_state=0)
        kwargs = {} if strategy == "default" else {"strategy": strategy}
        return ActiveLearningRegressor(forest, random_state=0, **kwargs).fit(X, y)

    learners = {m: learner(m) for m in ("uncertainty", "default")}
    forest = learners["uncertainty"].estimator_
    pool = da.random.RandomState(0).random_sample(
        (n_rows, N_FEATURES), chunks=(BLOCK_ROWS, N_FEATURES)
    )

    calls = {
        "floor": lambda X: float(ParallelPostFit(forest).predict(X).sum().compute()),
        "uncertainty": lambda X: learners["uncertainty"].query(X, 10),
        "default": lambda X: learners["default"].query(X, 10),
    }
    client = cluster = None
    if scheduler == "cluster":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        worker_pids = list(client.run(os.getpid).values())
        context = dask.config.set(scheduler=client)
    else:
        worker_pids = []
        context = dask.config.set(scheduler="threads", num_workers=2)
    with context:
        for method in METHODS:
            calls[method](pool[: 2 * BLOCK_ROWS])  # warm-up: imports, code paths
            times, client_mb, worker_mb = [], [], []
            for _ in range(repeats):
                with open("/proc/self/clear_refs", "w") as fh:
                    fh.write("5")  # reset VmHWM to the current resident set
                before = _rss_kb("VmRSS")
                with _Sampler(worker_pids) as sampler:
                    start = time.perf_counter()
                    calls[method](pool)
                    times.append(time.perf_counter() - start)
                client_mb.append(max(_rss_kb("VmHWM") - before, 0) / 1024)
                if worker_pids:
                    worker_mb.append(sampler.growth_mb())
            print(
                json.dumps(
                    {
                        "n_rows": n_rows,
                        "scheduler": scheduler,
                        "method": method,
                        "trees": trees,
                        "repeats": repeats,
                        "seconds": float(np.median(times)),
                        "client_mb": float(np.max(client_mb)),
                        "worker_mb": float(np.max(worker_mb)) if worker_mb else None,
                    }
                ),
                flush=True,
            )
    if client is not None:
        client.close()
        cluster.close()


def _cached():
    return read_jsonl(CACHE)


def _write(rows, requested=()):
    import pandas as pd

    frame = pd.DataFrame(rows)
    floor = frame[frame["method"] == "floor"].set_index(["n_rows", "scheduler"])[
        "seconds"
    ]
    frame["ratio_to_floor"] = [
        r.seconds / floor.get((r.n_rows, r.scheduler), np.nan)
        for r in frame.itertuples()
    ]
    frame["us_per_row"] = frame["seconds"] / frame["n_rows"] * 1e6
    frame = frame.sort_values(["scheduler", "n_rows", "method"])
    frame.to_csv(RESULTS / "large_pool.csv", index=False)
    lines = [
        "| pool rows | scheduler | method | seconds | ratio to floor | µs per row "
        "| client MB | worker MB |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in frame.itertuples():
        worker = (
            "—"
            if r.worker_mb is None or np.isnan(r.worker_mb)
            else f"{r.worker_mb:.0f}"
        )
        lines.append(
            f"| {r.n_rows:,} | {r.scheduler} | {r.method} | {r.seconds:.2f} | "
            f"{r.ratio_to_floor:.2f} | {r.us_per_row:.2f} | {r.client_mb:.0f} | {worker} |"
        )
    trees, repeats = frame["trees"].iloc[0], frame["repeats"].max()
    lines += [
        "",
        f"Forest of {trees} trees, 100 labeled rows, 20 features, n=10, blocks of "
        f"{BLOCK_ROWS:,} rows; median of {repeats} timed calls below 10M rows, one "
        "call from 10M up, after a warm-up on two blocks. "
        "floor: dask-ml ParallelPostFit(forest).predict(pool).sum(). "
        "default: LCMD (per-block shortlists). "
        "client/worker MB: peak resident-set growth during the call.",
    ]
    measured = set(zip(frame["n_rows"], frame["scheduler"]))
    missing = [f"{n:,} rows on {s}" for n, s in requested if (n, s) not in measured]
    if missing:
        lines += ["", "Not run (or failed): " + "; ".join(missing) + "."]
    (RESULTS / "large_pool.md").write_text("\n".join(lines) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for (scheduler, method), part in frame.groupby(["scheduler", "method"]):
        style = "-" if scheduler == "cluster" else "--"
        axes[0].plot(
            part["n_rows"],
            part["seconds"],
            style,
            marker="o",
            label=f"{method} ({scheduler})",
        )
        axes[1].plot(
            part["n_rows"],
            part["client_mb"],
            style,
            marker="o",
            label=f"{method} ({scheduler})",
        )
    for ax, label in zip(axes, ["query time (s)", "client peak growth (MB)"]):
        ax.set_xscale("log")
        ax.set_xlabel("pool rows")
        ax.set_ylabel(label)
    axes[0].set_yscale("log")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(RESULTS / "large_pool.png", dpi=100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7])
    parser.add_argument("--schedulers", nargs="+", default=["threads", "cluster"])
    parser.add_argument("--trees", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(int(float(args.child[0])), args.child[1], args.trees, args.repeats)
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.fresh and CACHE.exists():
        CACHE.unlink()
    rows = _cached()
    done = {(r["n_rows"], r["scheduler"]) for r in rows}
    for size in args.sizes:
        for scheduler in args.schedulers:
            if (int(size), scheduler) in done:
                continue
            repeats = args.repeats if size < 1e7 else 1
            cmd = [
                sys.executable,
                __file__,
                "--child",
                str(int(size)),
                scheduler,
                "--trees",
                str(args.trees),
                "--repeats",
                str(repeats),
            ]
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode:
                print(out.stderr[-3000:], file=sys.stderr)
                continue
            for line in out.stdout.splitlines():
                if line.startswith("{"):
                    print(line, flush=True)
                    rows.append(json.loads(line))
                    with CACHE.open("a") as fh:
                        fh.write(line + "\n")
    if rows:
        _write(rows, [(int(n), s) for n in args.sizes for s in args.schedulers])


if __name__ == "__main__":
    main()
