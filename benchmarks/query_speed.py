"""Query speed of skactive's strategies beside scikit-activeml, modAL and the floor.

Run from the repository root (peers come from the ``bench`` extra)::

    pip install ".[bench]"
    nice -n 10 python benchmarks/query_speed.py            # full grid, ~15 min
    nice -n 10 python benchmarks/query_speed.py --quick    # 5k/20k, d=10, b=1/100
    nice -n 10 python benchmarks/query_speed.py --supplement  # + greedy peers at 20k, 14 GB

Writes ``docs/benchmarks/results/query_speed.{csv,md,png}``. Finished cells
are cached in ``docs/benchmarks/results/query_speed_cache.jsonl``; a rerun
only measures what is missing (``--fresh`` starts over).

Set-up. Pool rows uniform on [0, 1]^d (d = 10 or 100), 100 labeled rows
with Friedman #1 targets (first five inputs). One ``query`` call is timed
on a fitted learner (fitting is excluded for everyone: peers get
``fit_reg=False`` / pre-fitted members). Two models:

- ``forest``: ``RandomForestRegressor(n_estimators=10)``. Its trees are the
  committee of uncertainty, QBC and EMCM; GSy/iGS use its prediction. The
  floor is ``forest.predict(X_pool)``.
- ``ridge``: ``Ridge`` with a bootstrap committee of 3 (EMCM as in
  scikit-activeml, whose default is 3 bootstraps of a ridge). The floor is
  the predictions of the main model and the 3 members.

Every cell runs in its own subprocess with a memory cap (``--mem-gb``,
address space) and a timeout (``--timeout``); a peer that fails is recorded
as "timeout", "out of memory" or "error: ...". Once a peer fails or takes
more than half the timeout at (n_pool, batch), larger cells of that peer (same
d) are recorded as "not run" with the reason. Peak extra memory is the
growth of the process's resident set (VmHWM after reset, minus VmRSS
before) during the first timed call.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
from _common import RESULTS, read_jsonl

CACHE = RESULTS / "query_speed_cache.jsonl"
N_LABELED = 100
N_TREES = 10

# (strategy label, model, our learner settings, peer name or None)
OURS = [
    ("uncertainty", "forest", {"strategy": "uncertainty"}, "modAL max_std (committee)"),
    ("qbc", "forest", {"strategy": "qbc"}, "skactiveml QueryByCommittee"),
    ("emcm", "forest", {"strategy": "emcm"}, None),
    (
        "emcm",
        "ridge",
        {"strategy": "emcm", "committee_size": 3},
        "skactiveml ExpectedModelChangeMaximization",
    ),
    ("gsx", "forest", {"strategy": "gsx"}, "skactiveml GreedySamplingX"),
    ("gsy", "forest", {"strategy": "gsy"}, "skactiveml GreedySamplingTarget(GSy)"),
    ("igs", "forest", {"strategy": "igs"}, "skactiveml GreedySamplingTarget(GSi)"),
    (
        "uncertainty+diverse",
        "forest",
        {"strategy": "uncertainty", "batch_selection": "diverse"},
        None,
    ),
    ("lcmd (default)", "forest", {"strategy": "lcmd"}, None),
]


# Peers measured again with more memory by --supplement.
SUPPLEMENT = [
    ("skactiveml GreedySamplingX", "gsx"),
    ("skactiveml GreedySamplingTarget(GSi)", "igs"),
]


# ----------------------------------------------------------------- child side


def _data(n_pool, d):
    rng = np.random.default_rng(1000 * d + 7)
    X_lab = rng.random((N_LABELED, d))
    y_lab = (
        10 * np.sin(np.pi * X_lab[:, 0] * X_lab[:, 1])
        + 20 * (X_lab[:, 2] - 0.5) ** 2
        + 10 * X_lab[:, 3]
        + 5 * X_lab[:, 4]
        + rng.normal(size=N_LABELED)
    )
    X_pool = np.random.default_rng(n_pool + d).random((n_pool, d))
    return X_lab, y_lab, X_pool


def _model(kind):
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.linear_model import Ridge

    if kind == "forest":
        return RandomForestRegressor(n_estimators=N_TREES, random_state=0, n_jobs=1)
    return Ridge(alpha=1.0)


def _rss_kb(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _timed(call, repeats):
    """Median seconds of ``repeats`` calls; peak extra MB of the first."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        before = _rss_kb("VmRSS")
    except OSError:
        before = None
    times = []
    peak = None
    for i in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
        if i == 0 and before is not None:
            peak = max(_rss_kb("VmHWM") - before, 0) / 1024
        if times[0] > 5:  # slow calls: one measurement is enough
            break
    return float(np.median(times)), len(times), peak


def _repeats(n_pool):
    return 3 if n_pool <= 200_000 else 1


def child_ours(n_pool, d, todo):
    """Time our strategies (and the floors) for one (n_pool, d)."""
    from skactive import ActiveLearningRegressor

    X_lab, y_lab, X_pool = _data(n_pool, d)
    learners = {}
    floors = {}
    out = []

    def floor_call(model):
        from skactive.strategies import ExpectedModelChange

        if model not in floors:
            alr = ActiveLearningRegressor(
                _model(model),
                random_state=0,
                strategy="uncertainty"
                if model == "forest"
                else ExpectedModelChange(n_members=3),
            ).fit(X_lab, y_lab)
            members = [m for m in [alr.estimator_] if m is not None]
            if model != "forest":
                members += list(alr.committee_ or [])
            floors[model] = lambda: [m.predict(X_pool) for m in members]
        return floors[model]

    for key in todo:
        label, model, batch = key["strategy"], key["model"], key["batch"]
        if key["kind"] == "floor":
            call = floor_call(model)
        else:
            settings = dict(
                next(s for lab, mod, s, _ in OURS if lab == label and mod == model)
            )
            if "committee_size" in settings:
                from skactive.strategies import ExpectedModelChange

                settings["strategy"] = ExpectedModelChange(
                    n_members=settings.pop("committee_size")
                )
            cache_key = (label, model)
            if cache_key not in learners:
                learners[cache_key] = ActiveLearningRegressor(
                    _model(model), random_state=0, **settings
                ).fit(X_lab, y_lab)
            alr = learners[cache_key]
            # Timed below, in this iteration: binding the loop variables is fine.
            call = lambda: alr.query(X_pool, n=batch)  # noqa: E731, B023
        if key["kind"] == "floor":
            seconds, reps, peak = _timed(call, _repeats(n_pool))
            out.append(
                {
                    **key,
                    "status": "ok",
                    "seconds": seconds,
                    "repeats": reps,
                    "peak_extra_mb": peak,
                }
            )
            continue
        seconds, reps, peak = _timed(call, 1)
        # The floor timed right after each call, so both see the same load on
        # a shared machine; the ratio is the median of the paired ratios.
        pairs = []
        for _ in range(_repeats(n_pool)):
            start = time.perf_counter()
            call()
            middle = time.perf_counter()
            floor_call(model)()
            pairs.append((middle - start, time.perf_counter() - middle))
            if pairs[0][0] > 5:
                break
        q_times, f_times = np.array(pairs).T
        out.append(
            {
                **key,
                "status": "ok",
                "seconds": float(np.median(q_times)),
                "repeats": len(pairs),
                "peak_extra_mb": peak,
                "floor_seconds": float(np.median(f_times)),
                "ratio_to_floor": float(np.median(q_times / f_times)),
            }
        )
    return out


def _peer_call(peer, X_lab, y_lab, X_pool, batch):
    """A zero-argument callable running one peer query, after fitting."""
    from sklearn.base import clone

    X_all = np.vstack([X_lab, X_pool])
    y_all = np.concatenate([y_lab, np.full(X_pool.shape[0], np.nan)])
    if peer.startswith("modAL"):
        from modAL.disagreement import max_std_sampling
        from modAL.models import ActiveLearner, CommitteeRegressor

        forest = _model("forest").fit(X_lab, y_lab)
        committee = CommitteeRegressor(
            learner_list=[ActiveLearner(estimator=tree) for tree in forest.estimators_],
            query_strategy=max_std_sampling,
        )
        return lambda: committee.query(X_pool, n_instances=batch)
    from skactiveml.regressor import SklearnRegressor

    if "QueryByCommittee" in peer:
        from skactiveml.pool import QueryByCommittee

        ens = SklearnRegressor(_model("forest")).fit(X_lab, y_lab)
        qs = QueryByCommittee(random_state=0)
        return lambda: qs.query(
            X_all, y_all, ensemble=ens, fit_ensemble=False, batch_size=batch
        )
    if "ExpectedModelChange" in peer:
        from skactiveml.pool import ExpectedModelChangeMaximization

        reg = SklearnRegressor(_model("ridge")).fit(X_lab, y_lab)
        qs = ExpectedModelChangeMaximization(bootstrap_size=3, random_state=0)
        return lambda: qs.query(X_all, y_all, reg=reg, fit_reg=False, batch_size=batch)
    if "GreedySamplingX" in peer:
        from skactiveml.pool import GreedySamplingX

        qs = GreedySamplingX(random_state=0)
        return lambda: qs.query(X_all, y_all, batch_size=batch)
    from skactiveml.pool import GreedySamplingTarget

    method = "GSy" if "GSy" in peer else "GSi"
    reg = SklearnRegressor(clone(_model("forest"))).fit(X_lab, y_lab)
    qs = GreedySamplingTarget(method=method, random_state=0)
    return lambda: qs.query(X_all, y_all, reg=reg, fit_reg=False, batch_size=batch)


def child_peer(key):
    X_lab, y_lab, X_pool = _data(key["n_pool"], key["d"])
    try:
        call = _peer_call(key["impl"], X_lab, y_lab, X_pool, key["batch"])
        seconds, reps, peak = _timed(call, _repeats(key["n_pool"]))
    except MemoryError:
        return [{**key, "status": "out of memory"}]
    except Exception as exc:  # a peer's own failure is a result to record
        return [{**key, "status": f"error: {type(exc).__name__}: {str(exc)[:120]}"}]
    return [
        {
            **key,
            "status": "ok",
            "seconds": seconds,
            "repeats": reps,
            "peak_extra_mb": peak,
        }
    ]


# ---------------------------------------------------------------- parent side


def _key_id(key):
    return "|".join(
        str(key[k])
        for k in ("impl", "strategy", "model", "kind", "n_pool", "d", "batch")
    )


def _load_cache(fresh):
    return {} if fresh else read_jsonl(CACHE, key=_key_id)


def _save(rows, done):
    with CACHE.open("a") as fh:
        for row in rows:
            done[_key_id(row)] = row
            fh.write(json.dumps(row) + "\n")


def _run_child(payload, timeout, mem_gb):
    def limit():
        cap = int(mem_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MALLOC_MMAP_THRESHOLD_": "65536",
    }
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", json.dumps(payload)],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=limit,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return None, "timeout"
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no message"]
        if "MemoryError" in proc.stderr or proc.returncode in (-9, 137):
            return None, "out of memory"
        return None, f"error: {tail[0][:120]}"
    return json.loads(proc.stdout.strip().splitlines()[-1]), "ok"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="pools 5k/20k, d=10, batches 1/100"
    )
    parser.add_argument("--fresh", action="store_true", help="ignore cached cells")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds per peer cell"
    )
    parser.add_argument(
        "--mem-gb", type=float, default=6.0, help="address-space cap per cell"
    )
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument(
        "--supplement",
        action="store_true",
        help="also run the greedy peers at 20k rows, d=10, b=1/100 with a "
        "14 GB cap and a 300 s timeout (they run out of memory under 6 GB)",
    )
    parser.add_argument(
        "--redo-ours",
        action="store_true",
        help="measure skactive and the floors again, keep cached peers",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        payload = json.loads(args.child)
        if payload["role"] == "ours":
            rows = child_ours(payload["n_pool"], payload["d"], payload["todo"])
        else:
            rows = child_peer(payload["key"])
        print(json.dumps(rows))
        return

    pools = [5_000, 20_000] if args.quick else [5_000, 20_000, 200_000, 1_000_000]
    dims = [10] if args.quick else [10, 100]
    batches = [1, 100] if args.quick else [1, 100, 256]
    RESULTS.mkdir(parents=True, exist_ok=True)
    done = _load_cache(args.fresh)
    if args.redo_ours:
        done = {k: v for k, v in done.items() if v["impl"] not in ("skactive", "floor")}
    if args.fresh and CACHE.exists():
        CACHE.unlink()
    t0 = time.time()

    # Ours and the floors: one subprocess per (n_pool, d).
    for d in dims:
        for n_pool in pools:
            todo = []
            for model in ("forest", "ridge"):
                todo.append(
                    {
                        "impl": "floor",
                        "strategy": "predict",
                        "model": model,
                        "kind": "floor",
                        "n_pool": n_pool,
                        "d": d,
                        "batch": 0,
                    }
                )
            for label, model, _, _ in OURS:
                for batch in batches:
                    todo.append(
                        {
                            "impl": "skactive",
                            "strategy": label,
                            "model": model,
                            "kind": "query",
                            "n_pool": n_pool,
                            "d": d,
                            "batch": batch,
                        }
                    )
            todo = [k for k in todo if _key_id(k) not in done]
            if not todo:
                continue
            rows, status = _run_child(
                {"role": "ours", "n_pool": n_pool, "d": d, "todo": todo},
                timeout=3600,
                mem_gb=max(args.mem_gb, 4.0),
            )
            if rows is None:
                rows = [{**k, "status": status} for k in todo]
            _save(rows, done)
            print(
                f"[{time.time() - t0:6.0f} s] skactive n_pool={n_pool} d={d}: "
                f"{len(rows)} cells",
                flush=True,
            )

    # Peers: one subprocess per cell, skipping cells bigger than a failure.
    if not args.no_peers:
        peers = sorted({(label, model, peer) for label, model, _, peer in OURS if peer})
        for label, model, peer in peers:
            for d in dims:
                blocked = []  # (n_pool, batch, reason)
                for n_pool in pools:
                    for batch in batches:
                        key = {
                            "impl": peer,
                            "strategy": label,
                            "model": model,
                            "kind": "query",
                            "n_pool": n_pool,
                            "d": d,
                            "batch": batch,
                        }
                        if _key_id(key) in done:
                            row = done[_key_id(key)]
                        else:
                            reason = next(
                                (
                                    r
                                    for n0, b0, r in blocked
                                    if n_pool >= n0 and batch >= b0
                                ),
                                None,
                            )
                            if reason is not None:
                                row = {**key, "status": f"not run: {reason}"}
                                rows = [row]
                            else:
                                rows, status = _run_child(
                                    {"role": "peer", "key": key},
                                    args.timeout,
                                    args.mem_gb,
                                )
                                if rows is None:
                                    rows = [{**key, "status": status}]
                                row = rows[0]
                            _save([row], done)
                            print(
                                f"[{time.time() - t0:6.0f} s] {peer} n_pool={n_pool} "
                                f"d={d} b={batch}: {row['status']} "
                                f"{row.get('seconds', '')}",
                                flush=True,
                            )
                        if row["status"] != "ok" and not row["status"].startswith(
                            "not run"
                        ):
                            blocked.append(
                                (
                                    n_pool,
                                    batch,
                                    f"{row['status']} at n_pool={n_pool}, b={batch}",
                                )
                            )
                        elif (
                            row["status"] == "ok" and row["seconds"] > args.timeout / 2
                        ):
                            blocked.append(
                                (
                                    n_pool,
                                    batch,
                                    f"{row['seconds']:.0f} s at n_pool={n_pool}, "
                                    f"b={batch} (timeout {args.timeout:.0f} s)",
                                )
                            )

    if args.supplement:
        for peer, label in SUPPLEMENT:
            for batch in (1, 100):
                key = {
                    "impl": f"{peer} (cap 14 GB)",
                    "strategy": label,
                    "model": "forest",
                    "kind": "query",
                    "n_pool": 20_000,
                    "d": 10,
                    "batch": batch,
                }
                if _key_id(key) in done:
                    continue
                rows, status = _run_child(
                    {"role": "peer", "key": {**key, "impl": peer}},
                    timeout=300,
                    mem_gb=14,
                )
                row = {**(rows[0] if rows else {"status": status}), **key}
                _save([row], done)
                print(f"{key['impl']} b={batch}: {row['status']}", flush=True)

    report(done, pools, dims, batches, args)


def report(done, pools, dims, batches, args):
    import pandas as pd

    rows = [
        r
        for r in done.values()
        if r["n_pool"] in pools
        and r["d"] in dims
        and (r["batch"] in batches or r["kind"] == "floor")
    ]
    frame = pd.DataFrame(rows)
    frame.to_csv(RESULTS / "query_speed.csv", index=False)
    floors = {
        (r["model"], r["n_pool"], r["d"]): r.get("seconds")
        for r in rows
        if r["kind"] == "floor"
    }
    lines = [
        "# Query speed",
        "",
        "`python benchmarks/query_speed.py" + (" --quick" if args.quick else "") + "`; "
        f"pool rows uniform on [0,1]^d, {N_LABELED} labeled rows (Friedman #1 targets), "
        f"committee: a forest of {N_TREES} trees (ridge + 3 bootstrap members for the "
        "`emcm (ridge)` row). Seconds are medians of 3 calls (1 at 1M rows or when a call takes > 5 s) on a "
        "shared 2-core machine; fitting excluded. `x floor`: our time / the bare "
        "predict time of the committee on the same pool, timed right after each call "
        "(median of the paired ratios). `speed-up`: peer time / our "
        f"time. Memory: peak extra resident memory of the call, MB. Peer cells: "
        f"timeout {args.timeout:.0f} s, address space capped at {args.mem_gb:.0f} GB.",
        "",
        "| pool | d | batch | strategy | skactive s | x floor | skactive MB | peer | peer s | peer MB | speed-up |",
        "|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for d in dims:
        for n_pool in pools:
            for batch in batches:
                for label, model, _, peer in OURS:
                    ours = done.get(
                        _key_id(
                            {
                                "impl": "skactive",
                                "strategy": label,
                                "model": model,
                                "kind": "query",
                                "n_pool": n_pool,
                                "d": d,
                                "batch": batch,
                            }
                        )
                    )
                    if ours is None:
                        continue
                    name = label if model == "forest" else f"{label} ({model})"
                    floor = floors.get((model, n_pool, d))
                    s = ours.get("seconds")
                    cells = [f"{n_pool:,}", str(d), str(batch), name]
                    if ours["status"] == "ok":
                        ratio = ours.get("ratio_to_floor") or (
                            s / floor if floor else None
                        )
                        cells += [
                            f"{s:.3g}",
                            f"{ratio:.2f}" if ratio else "",
                            _mb(ours.get("peak_extra_mb")),
                        ]
                    else:
                        cells += [ours["status"], "", ""]
                    prow = (
                        done.get(
                            _key_id(
                                {
                                    "impl": peer,
                                    "strategy": label,
                                    "model": model,
                                    "kind": "query",
                                    "n_pool": n_pool,
                                    "d": d,
                                    "batch": batch,
                                }
                            )
                        )
                        if peer
                        else None
                    )
                    if prow is None:
                        cells += [peer or "-", "", "", ""]
                    elif prow["status"] == "ok":
                        ps = prow["seconds"]
                        cells += [
                            peer,
                            f"{ps:.3g}",
                            _mb(prow.get("peak_extra_mb")),
                            f"{ps / s:.1f}x" if s else "",
                        ]
                    else:
                        cells += [peer, prow["status"], "", ""]
                    lines.append("| " + " | ".join(cells) + " |")
    extra = [r for r in done.values() if "(cap 14 GB)" in r["impl"]]
    if extra:
        lines += [
            "",
            "Supplement (`--supplement`): greedy peers at 20,000 rows, d = 10, "
            "with a 14 GB cap and a 300 s timeout.",
            "",
            "| peer | batch | peer s | peer MB | skactive s | speed-up |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in sorted(extra, key=lambda r: (r["impl"], r["batch"])):
            ours = done.get(
                _key_id(
                    {
                        "impl": "skactive",
                        "strategy": r["strategy"],
                        "model": "forest",
                        "kind": "query",
                        "n_pool": 20_000,
                        "d": 10,
                        "batch": r["batch"],
                    }
                )
            )
            s = ours.get("seconds") if ours else None
            if r["status"] == "ok":
                lines.append(
                    f"| {r['impl']} | {r['batch']} | {r['seconds']:.3g} | "
                    f"{_mb(r.get('peak_extra_mb'))} | {s:.3g} | {r['seconds'] / s:.1f}x |"
                )
            else:
                lines.append(
                    f"| {r['impl']} | {r['batch']} | {r['status']} | | "
                    f"{'' if s is None else f'{s:.3g}'} | |"
                )
    lines += [
        "",
        "Floors (bare predict, s): "
        + ", ".join(
            f"{m} {n:,}x{d}: {v:.3g}"
            for (m, n, d), v in sorted(floors.items())
            if v is not None
        ),
    ]
    (RESULTS / "query_speed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    _plot(done, pools, dims, floors)


def _mb(value):
    return "" if value is None else f"{value:.0f}"


def _plot(done, pools, dims, floors):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    batch = 100
    shown = [(lab, mod, peer) for lab, mod, _, peer in OURS]
    fig, axes = plt.subplots(
        1, len(dims), figsize=(6.5 * len(dims), 4.8), squeeze=False
    )
    for ax, d in zip(axes[0], dims):
        for i, (label, model, peer) in enumerate(shown):
            color = f"C{i}"
            name = label if model == "forest" else f"{label} ({model})"
            for impl, style, tag in (("skactive", "-", name), (peer, "--", f"{peer}")):
                if impl is None:
                    continue
                xs, ys = [], []
                for n_pool in pools:
                    row = done.get(
                        _key_id(
                            {
                                "impl": impl,
                                "strategy": label,
                                "model": model,
                                "kind": "query",
                                "n_pool": n_pool,
                                "d": d,
                                "batch": batch,
                            }
                        )
                    )
                    if row and row["status"] == "ok":
                        xs.append(n_pool)
                        ys.append(row["seconds"])
                if xs:
                    ax.plot(xs, ys, style, marker="o", color=color, label=tag, lw=1.5)
        xs = [n for n in pools if floors.get(("forest", n, d))]
        ax.plot(
            xs,
            [floors[("forest", n, d)] for n in xs],
            "k:",
            lw=2.5,
            label="floor: forest.predict",
        )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("pool rows")
        ax.set_ylabel(f"query seconds (batch {batch})")
        ax.set_title(f"d = {d}; dashed: peers (missing = failed)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0][-1].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(RESULTS / "query_speed.png", dpi=110)


if __name__ == "__main__":
    main()
