"""Stream-based selection: StreamSelector against random selection.

One command (from the repository root)::

    nice -n 10 python benchmarks/stream.py              # 5 seeds, ~20 min on 2 cores
    nice -n 10 python benchmarks/stream.py --seeds 2    # quicker
    python benchmarks/stream.py --report-only           # tables and plot from cache

Three measurements, written to ``docs/benchmarks/results/stream.{csv,md,png}``
(plus ``stream_budget.csv`` and ``stream_timing.csv``):

1. **Label efficiency.** Streams of 50,000 rows arrive in chunks of 250.
   A learner (``RandomForestRegressor(n_estimators=30)``, strategy
   ``"uncertainty"`` for ``selector``) starts from the stream's first 50 rows, labeled. A
   ``StreamSelector`` with ``budget=0.02`` decides on each chunk, and its
   bought labels are taught in batches of 50. The baseline is the same
   selector on the same learner with ``strategy="random"``: it buys rows
   uniformly at random and spends exactly the same way, so both end at the
   same spent budget (the baseline keeps ``rule="threshold"``: on uniform
   scores it buys uniformly at random). The selector uses its default rule,
   ``"chunk"``: each chunk's share of the budget is the learner's own query
   on the chunk. ``default`` is the learner's default strategy (LCMD) with
   the selector's defaults, against the same random baseline;
   ``default-sample`` and ``default-threshold`` are LCMD under the other
   rules (row by row), and a few variants (see ``DEFAULT_METHODS``).
   ``selector-share0.5`` is the selector with half its budget on random rows
   (``random_share=0.5``; the default is 0.1). Test
   RMSE is measured every 5,000 rows on 5,000
   held-out rows from the distribution the stream has at that moment.
   Streams: ``friedman`` (Friedman #1, d = 10, noise 1, stationary);
   ``local`` (d = 10, flat where x0 < 0.7, wiggly elsewhere: the hard region
   is known); ``drift`` (Friedman #1 whose inputs x0, x1 move suddenly from
   [0, 0.5] to [0.5, 1] at row 25,000: a covariate drift).
2. **Budget held.** ``budget_spent_`` at the end of each label-efficiency
   run, and a sweep of budgets (0.01 to 0.3) on each stream with updates.
3. **Decision time per row** at d = 100, with a fitted committee of 10
   trees: a forest of 10 trees (strategy ``"uncertainty"``) and a bootstrap
   committee of 10 decision trees (strategy ``"qbc"``); per-row time of a
   one-row ``decide`` call (median over 2,000 calls) and of chunks of 100 and
   1,000 rows.

Finished runs are cached in ``benchmarks/.cache/stream_runs.jsonl``, so a
rerun skips them.
"""

import argparse
import os
import time

import numpy as np
import pandas as pd
from _common import CACHE_DIR, RESULTS, append_jsonl, read_jsonl, rmse
from sklearn.ensemble import RandomForestRegressor
from sklearn.tree import DecisionTreeRegressor

from skactive import ActiveLearningRegressor, StreamSelector
from skactive.strategies import LCMDSampling

CACHE = CACHE_DIR / "stream_runs.jsonl"

N_ROWS = 50_000
CHUNK = 250
N_INITIAL = 50
BUDGET = 0.02
REFIT_EVERY = 50
CHECK_EVERY = 5_000
N_TEST = 5_000
DRIFT_AT = 25_000


# The learner's strategy per method; "default" is ActiveLearningRegressor's
# default strategy with StreamSelector's default settings (rule "chunk").
METHOD_STRATEGY = {
    "random": "random",
    "default": "lcmd",
    "default-sample": "lcmd",
    "default-threshold": "lcmd",
    "default-share0.5": "lcmd",
    "default-chunk-share0.3": "lcmd",
    "default-sample-sqrt": "lcmd-sqrt",
}

# Selector settings per method, on top of StreamSelector's defaults. The
# random baseline keeps the threshold rule on uniform scores: it buys rows
# uniformly at random at the budget rate, whatever the default rule.
METHOD_SELECTOR = {
    "random": {"rule": "threshold"},
    "selector-share0.5": {"random_share": 0.5},
    "default-sample": {"rule": "sample"},
    "default-threshold": {"rule": "threshold"},
    "default-share0.5": {"rule": "threshold", "random_share": 0.5},
    "default-chunk-share0.3": {"random_share": 0.3},
    "default-sample-sqrt": {"rule": "sample"},
}

# The default strategy's rules, in the page's table (the first is adopted).
DEFAULT_METHODS = (
    ("default", "chunk (the default): LCMD's batch on each chunk"),
    ("default-sample", "sample: row by row, bought with probability ~ score"),
    ("default-threshold", "threshold: row by row, plain cut (earlier default)"),
    ("default-chunk-share0.3", "chunk, random_share=0.3"),
    ("default-sample-sqrt", "sample on the distance instead of its square"),
)


class _SqrtLCMD(LCMDSampling):
    """LCMD whose per-row score is the distance, not its square (a variant)."""

    def score(self, learner, X_pool, random_state=None):
        return np.sqrt(super().score(learner, X_pool, random_state))


def _strategy(method):
    name = METHOD_STRATEGY.get(method, "uncertainty")
    return _SqrtLCMD() if name == "lcmd-sqrt" else name


# ---------------------------------------------------------------- streams


def friedman(X):
    return (
        10 * np.sin(np.pi * X[:, 0] * X[:, 1])
        + 20 * (X[:, 2] - 0.5) ** 2
        + 10 * X[:, 3]
        + 5 * X[:, 4]
    )


def local(X):
    wiggle = 4 * np.sin(15 * X[:, 1]) + 4 * np.sin(15 * X[:, 2])
    return np.where(X[:, 0] < 0.7, 0.0, wiggle) + 2 * X[:, 3]


def stream_rows(name, n, rng, phase=None):
    """Rows and targets of a stream; ``phase`` picks the drift stream's half."""
    X = rng.uniform(size=(n, 10))
    if name == "drift":
        if phase is None:
            second = np.arange(n) >= DRIFT_AT
        else:
            second = np.full(n, phase == 1)
        X[:, :2] = X[:, :2] * 0.5 + 0.5 * second[:, None]
    f = local if name == "local" else friedman
    noise = 1.0 if name != "local" else 0.3
    return X, f(X) + noise * rng.normal(size=n)


def test_set(name, n_seen, seed):
    rng = np.random.RandomState(10_000 + seed)
    phase = None
    if name == "drift":
        phase = int(n_seen > DRIFT_AT)
    X, y = stream_rows(name, N_TEST, rng, phase=phase)
    if name != "local":
        y = friedman(X)  # noise-free targets: RMSE against the true function
    else:
        y = local(X)
    return X, y


# ---------------------------------------------------------------- one run


def run(name, method, seed, budget=BUDGET, check=True, refit_every=REFIT_EVERY):
    rng = np.random.RandomState(seed)
    X, y = stream_rows(name, N_ROWS, rng)
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=30, n_jobs=1),
        strategy=_strategy(method),
        random_state=seed,
    ).fit(X[:N_INITIAL], y[:N_INITIAL])
    selector = StreamSelector(
        learner,
        budget=budget,
        refit_every=refit_every,
        random_state=seed,
        **METHOD_SELECTOR.get(method, {}),
    )
    records = []
    decide_seconds = 0.0
    for start in range(N_INITIAL, N_ROWS, CHUNK):
        rows = slice(start, min(start + CHUNK, N_ROWS))
        t0 = time.perf_counter()
        bought = selector.decide(X[rows])
        decide_seconds += time.perf_counter() - t0
        selector.update(X[rows][bought], y[rows][bought])
        seen = min(rows.stop, N_ROWS)
        crossed = seen // CHECK_EVERY > (seen - CHUNK) // CHECK_EVERY
        if check and (crossed or seen == N_ROWS):
            selector.flush()
            X_test, y_test = test_set(name, seen, seed)
            error = rmse(y_test, learner.predict(X_test))
            records.append(
                {
                    "stream": name,
                    "method": method,
                    "seed": seed,
                    "budget": budget,
                    "n_seen": seen,
                    "n_labels": int(learner.n_labeled_),
                    "spent": selector.budget_spent_,
                    "rmse": error,
                }
            )
    selector.flush()
    return records, {
        "stream": name,
        "method": method,
        "seed": seed,
        "budget": budget,
        "spent": selector.budget_spent_,
        "n_selected": selector.n_selected_,
        "n_seen": selector.n_seen_,
        "decide_ms_per_row": 1000 * decide_seconds / selector.n_seen_,
    }


# ---------------------------------------------------------------- timing


def timing():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(3000, 100))
    y = friedman(X) + rng.normal(size=3000)
    learners = {
        "forest of 10 trees, uncertainty": ActiveLearningRegressor(
            RandomForestRegressor(n_estimators=10, random_state=0),
            strategy="uncertainty",
            random_state=0,
        ),
        "committee of 10 trees, qbc": ActiveLearningRegressor(
            DecisionTreeRegressor(), committee=10, strategy="qbc", random_state=0
        ),
    }
    rows = []
    for label, learner in learners.items():
        learner.fit(X[:1000], y[:1000])
        stream = rng.uniform(size=(20_000, 100))
        selector = StreamSelector(learner, budget=0.1, random_state=0)
        selector.decide(stream[:100])  # warm up
        single = []
        for i in range(2000):
            t0 = time.perf_counter()
            selector.decide(stream[i : i + 1])
            single.append(time.perf_counter() - t0)
        rows.append(
            {"learner": label, "chunk": 1, "ms_per_row": 1000 * np.median(single)}
        )
        for chunk in (100, 1000):
            per_row = []
            for start in range(2000, 2000 + 10 * chunk, chunk):
                t0 = time.perf_counter()
                selector.decide(stream[start : start + chunk])
                per_row.append((time.perf_counter() - t0) / chunk)
            rows.append(
                {
                    "learner": label,
                    "chunk": chunk,
                    "ms_per_row": 1000 * np.median(per_row),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- driver


def _seed(key):
    return int(key.split("/")[3])


def load_cache():
    return read_jsonl(CACHE, key=lambda entry: entry["key"])


def save(entry):
    append_jsonl(CACHE, [entry])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument(
        "--methods",
        nargs="+",
        default=None,
        help="with --default-only: the methods to run against random "
        "(default: default)",
    )
    parser.add_argument(
        "--default-only",
        action="store_true",
        help="only the default strategy (LCMD) and random; print its table, "
        "leave the page as it is",
    )
    args = parser.parse_args(argv)
    done = load_cache()
    streams = ("friedman", "local", "drift")
    methods = (
        (*(args.methods or ["default"]), "random")
        if args.default_only
        else (
            "selector",
            "selector-share0.5",
            *(m for m, _ in DEFAULT_METHODS),
            "random",
        )
    )
    jobs = [
        ("curve", name, method, seed, BUDGET)
        for seed in range(args.seeds)
        for name in streams
        for method in methods
    ]
    jobs += (
        []
        if args.default_only
        else [
            ("sweep", name, "selector", 0, budget)
            for name in streams
            for budget in (0.01, 0.05, 0.1, 0.3)
        ]
    )
    if not args.report_only:
        for kind, name, method, seed, budget in jobs:
            key = f"{kind}/{name}/{method}/{seed}/{budget}"
            if key in done:
                continue
            t0 = time.perf_counter()
            if kind == "curve":
                records, final = run(name, method, seed, budget)
            else:
                records, final = run(
                    name,
                    method,
                    seed,
                    budget,
                    check=False,
                    refit_every=max(REFIT_EVERY, int(budget * N_ROWS / 20)),
                )
            entry = {"key": key, "records": records, "final": final}
            save(entry)
            done[key] = entry
            print(f"{key}: {time.perf_counter() - t0:.1f} s", flush=True)
        if "timing" not in done and not args.default_only:
            entry = {
                "key": "timing",
                "rows": timing().to_dict("records"),
                "load": os.getloadavg()[0],
            }
            save(entry)
            done["timing"] = entry
    if args.default_only:
        for method in methods[:-1]:
            print(f"\n{method}\n" + default_table(done, args.seeds, method))
        return
    report(done, args.seeds)


def default_table(done, n_seeds, method="default", seeds=None, header=True):
    """Markdown rows: one method against random, per stream.

    ``seeds`` defaults to ``range(n_seeds)``; without ``header`` the rows
    start with the method's name (for a table of several methods).
    """
    lines = (
        [
            "| stream | ratio at the end (median over seeds) | seeds better at "
            "the end | ratio over the stream |",
            "| --- | --- | --- | --- |",
        ]
        if header
        else []
    )
    for name in ("friedman", "local", "drift"):
        finals, logs = [], []
        for seed in range(n_seeds) if seeds is None else seeds:
            own = done.get(f"curve/{name}/{method}/{seed}/{BUDGET}")
            base = done.get(f"curve/{name}/random/{seed}/{BUDGET}")
            if own is None or base is None:
                continue
            a = np.array([r["rmse"] for r in own["records"]])
            b = np.array([r["rmse"] for r in base["records"]])
            finals.append(a[-1] / b[-1])
            logs.append(np.mean(np.log(a) - np.log(b)))
        if finals:
            lines.append(
                ("" if header else f"| {method} ")
                + f"| {name} | {np.median(finals):.3f} | "
                f"{sum(f < 1 for f in finals)}/{len(finals)} | "
                f"{np.exp(np.mean(logs)):.3f} |"
            )
    return "\n".join(lines)


def report(done, n_seeds):
    RESULTS.mkdir(parents=True, exist_ok=True)
    extra = {
        k: e for k, e in done.items() if k.startswith("curve/") and _seed(k) >= n_seeds
    }
    done = {k: e for k, e in done.items() if k not in extra}
    curves = pd.DataFrame(
        [r for k, e in done.items() if k.startswith("curve/") for r in e["records"]]
    )
    finals = pd.DataFrame(
        [e["final"] for k, e in done.items() if k.startswith(("curve/", "sweep/"))]
    )
    finals["kind"] = [
        k.split("/")[0] for k in done if k.startswith(("curve/", "sweep/"))
    ]
    timing_rows = pd.DataFrame(done["timing"]["rows"]) if "timing" in done else None
    curves.to_csv(RESULTS / "stream.csv", index=False)
    finals.to_csv(RESULTS / "stream_budget.csv", index=False)
    if timing_rows is not None:
        timing_rows.to_csv(RESULTS / "stream_timing.csv", index=False)

    lines = [
        "# Stream-based selection: StreamSelector vs random selection",
        "",
        "Rerun: `nice -n 10 python benchmarks/stream.py` (cached runs are skipped; "
        "`--report-only` rebuilds this page). Protocol in the script's docstring: "
        f"streams of {N_ROWS:,} rows in chunks of {CHUNK}, {N_INITIAL} initial labels, "
        f"budget {BUDGET}, labels taught every {REFIT_EVERY}, RandomForest(30 trees), "
        "strategy 'uncertainty' vs the same selector with strategy 'random', "
        f"{curves['seed'].nunique()} seeds, test RMSE on {N_TEST:,} held-out rows "
        "against the noise-free target.",
        "",
        "## Test RMSE at the end of the stream (same spent budget)",
        "",
        "| stream | method | labels | RMSE method | RMSE random "
        "| ratio (median over seeds) | seeds method better |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    methods = [
        m for m in ("selector", "selector-share0.5") if m in set(curves["method"])
    ]
    last = curves[curves["n_seen"] == N_ROWS]
    for name in pd.unique(last["stream"]):
        part = last[last["stream"] == name].pivot(index="seed", columns="method")
        for method in methods:
            pair = part["rmse"][[method, "random"]].dropna()
            sel, rnd = pair[method], pair["random"]
            labels = part["n_labels"][method].median()
            lines.append(
                f"| {name} | {method} | {labels:.0f} | {sel.median():.3f} "
                f"| {rnd.median():.3f} | {(sel / rnd).median():.3f} "
                f"| {(sel < rnd).sum()}/{len(sel)} |"
            )
    lines += [
        "",
        "Ratio over the whole stream (exp of the mean of log RMSE method - log "
        "RMSE random over checkpoints and seeds; below 1 favours the method):",
        "",
        "| stream | method | ratio over the stream | before the drift "
        "(rows <= 25,000) | after the drift (rows > 25,000) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in pd.unique(curves["stream"]):
        part = curves[curves["stream"] == name].pivot_table(
            index=["seed", "n_seen"], columns="method", values="rmse"
        )
        for method in methods:
            pair = part[[method, "random"]].dropna()
            logs = np.log(pair[method]) - np.log(pair["random"])
            late = logs.index.get_level_values("n_seen") > DRIFT_AT
            before, after = "-", "-"
            if name == "drift":
                before = f"{np.exp(logs[~late].mean()):.3f}"
                after = f"{np.exp(logs[late].mean()):.3f}"
            lines.append(
                f"| {name} | {method} | {np.exp(logs.mean()):.3f} | {before} "
                f"| {after} |"
            )
    lines += [
        "",
        "## The default strategy (LCMD) under each rule",
        "",
        "The learner's default strategy, `\"lcmd\"`, with the selector's "
        "settings below, against the same random baseline, runs and seeds. "
        "RMSE ratios to random; below 1 favours the method. Target (issue 19): "
        "ratio <= 1.02 on every stream, at the end and over the stream.",
        "",
        "| method | stream | ratio at the end (median over seeds) "
        "| seeds better at the end | ratio over the stream |",
        "| --- | --- | --- | --- | --- |",
    ]
    for method, _ in DEFAULT_METHODS:
        rows = default_table(done, n_seeds, method, header=False)
        lines += [rows] if rows else []
    lines += ["", "Methods:", ""]
    lines += [f"- `{method}`: {text}" for method, text in DEFAULT_METHODS]
    more = sorted({_seed(k) for k in extra if k.split("/")[2] == "default"})
    if more:
        lines += [
            "",
            f"Fresh seeds {more[0]}-{more[-1]}, run after the rule was chosen "
            "on the seeds above (same protocol):",
            "",
            "| method | stream | ratio at the end (median over seeds) "
            "| seeds better at the end | ratio over the stream |",
            "| --- | --- | --- | --- | --- |",
        ]
        for method, _ in DEFAULT_METHODS:
            rows = default_table(extra, 0, method, seeds=more, header=False)
            lines += [rows] if rows else []
    lines += [
        "",
        "## Budget held",
        "",
        "`budget_spent_` at the end of each stream (target within +/-5 %: "
        "|spent/budget - 1| <= 0.05).",
        "",
        "| run | stream | method | budget | spent (min .. max over seeds) "
        "| worst relative error |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    shown = finals[
        finals["method"].isin(["selector", "default", "default-sample", "random"])
    ]
    for (kind, name, method, budget), part in shown.groupby(
        ["kind", "stream", "method", "budget"], sort=False
    ):
        rel = (part["spent"] / budget - 1).abs().max()
        lines.append(
            f"| {kind} | {name} | {method} | {budget} | {part['spent'].min():.4f} .. "
            f"{part['spent'].max():.4f} | {100 * rel:.2f} % |"
        )
    if timing_rows is not None:
        lines += [
            "",
            "## Decision time per row, d = 100 (target <= 1 ms)",
            "",
            "Median wall time of `decide` divided by the rows in the call; the "
            "learner was fit on 1,000 rows; budget 0.1, so calls of 100 and "
            "1,000 rows go to the default chunk rule (the learner's query) and "
            "one-row calls to the sampled threshold. Load average of the "
            "2-core machine when it ran: "
            f"{done['timing'].get('load', float('nan')):.1f}.",
            "",
            "| learner | rows per call | ms per row |",
            "| --- | --- | --- |",
        ]
        for row in timing_rows.itertuples():
            lines.append(f"| {row.learner} | {row.chunk} | {row.ms_per_row:.4f} |")
    per_row = finals[finals["kind"] == "curve"].groupby("method")["decide_ms_per_row"]
    lines += [
        "",
        "Decision time inside the label-efficiency runs (d = 10, 30 trees, chunks "
        "of 250): "
        + ", ".join(f"{m} {v:.4f} ms/row" for m, v in per_row.median().items()),
        "",
        "![learning curves](stream.png)",
        "",
    ]
    (RESULTS / "stream.md").write_text("\n".join(lines))
    print("\n".join(lines))
    plot(curves)


def plot(curves):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(pd.unique(curves["stream"]))
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.6))
    for ax, name in zip(np.atleast_1d(axes), names):
        part = curves[curves["stream"] == name]
        for method, style in (
            ("selector", "-o"),
            ("default", "-D"),
            ("default-sample", ":v"),
            ("random", "--s"),
        ):
            if method not in set(part["method"]):
                continue
            mean = part[part["method"] == method].groupby("n_seen")["rmse"].median()
            ax.plot(mean.index, mean.to_numpy(), style, ms=3, label=method)
        if name == "drift":
            ax.axvline(DRIFT_AT, color="grey", lw=0.8, ls=":")
        ax.set_title(f"{name} (budget {BUDGET})")
        ax.set_xlabel("rows seen")
        ax.set_ylabel("test RMSE (median over seeds)")
        ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "stream.png", dpi=110)


if __name__ == "__main__":
    main()
