"""Label efficiency: every strategy against random sampling on an open suite.

One command (from the repository root)::

    nice -n 10 python benchmarks/label_efficiency.py               # main protocol, RF, 5 seeds
    nice -n 10 python benchmarks/label_efficiency.py --learners rf hgb --protocol larger --seeds 10

The committed tables (10 seeds) came from these runs, then ``--report-only --seeds 10``::

    python benchmarks/label_efficiency.py --learners rf --protocol main --seeds 10 --n-jobs 2
    python benchmarks/label_efficiency.py --learners hgb --protocol main --seeds 10 --n-jobs 2 \
        --strategies random lcmd uncertainty-top uncertainty-diverse emcm-diverse \
        gsx igs skactiveml-rtal skactiveml-gsx skactiveml-qbc modal-maxstd
    python benchmarks/label_efficiency.py --learners rf --protocol larger --seeds 10 --n-jobs 2 \
        --strategies random lcmd uncertainty-top gsx skactiveml-rtal modal-maxstd
    python benchmarks/label_efficiency.py --learners hgb --protocol larger --seeds 10 --n-jobs 2 \
        --datasets diamonds computers txhousing concrete cps1988 slid storms yrbss diabetes \
        friedman1 --strategies random lcmd gsx skactiveml-rtal modal-maxstd

(about 2 hours on 2 cores; scikit-activeml's GSx/iGS are left out of the
larger protocol: their pool x pool distances do not fit in 6 GB at 20,000 rows).

The rows of the score strategies with their default batch rule (``*-diverse``,
issue 14) came from these runs (seeds added 3, 5, 7, then 10 at a time; the
cache skips finished cells), then ``--report-only --seeds 10
--keep-committed``, which keeps the committed rows of the strategies not
rerun (batch strategies, labelled ``name-top`` before, are now ``name``)::

    DS="diamonds computers txhousing concrete cps1988 slid storms yrbss diabetes friedman1"
    for L in rf hgb; do
      nice -n 10 python benchmarks/label_efficiency.py --learners $L --protocol main \
          --seeds 10 --datasets $DS --strategies uncertainty-diverse qbc-diverse \
          emcm-diverse --n-jobs 2
    done

The xgb and lgbm rows (issue 19; skactive's boosting committee) came from
these runs on the same data sets (seeds added 3, 5, 7, then 10 at a time; the
cache skips finished cells), scikit-activeml and modAL from the ``bench``
extra::

    for P in main larger; do
      nice -n 10 python benchmarks/label_efficiency.py --learners xgb lgbm \
          --protocol $P --seeds 10 --datasets $DS --strategies random lcmd --n-jobs 1
    done
    nice -n 10 python benchmarks/label_efficiency.py --learners xgb lgbm \
        --protocol main --seeds 10 --datasets $DS --n-jobs 1 \
        --strategies random skactiveml-rtal modal-maxstd

The hgb rows of random and the default in the larger protocol were rerun
with the boosting committee (5 minutes on 2 idle cores)::

    nice -n 10 python benchmarks/label_efficiency.py --learners hgb --protocol larger \
        --seeds 10 --n-jobs 2 --strategies random lcmd --datasets diamonds computers \
        txhousing cps1988 slid storms yrbss friedman1

and in the main protocol those of random, the default and the score
strategies with their default batch rule (15 minutes on 2 busy cores)::

    nice -n 10 python benchmarks/label_efficiency.py --learners hgb --protocol main \
        --seeds 10 --n-jobs 2 --datasets $DS --strategies random lcmd \
        uncertainty-diverse qbc-diverse emcm-diverse

(the xgb and lgbm runs: about 1 hour on 2 busy cores; scikit-activeml's GSx was left out: with
scikit-activeml 1.0.1 one curve on diamonds took 45-50 s, 25 x RT-AL), then
``--report-only --seeds 10 --keep-committed``, which keeps the committed RF and
HGB rows (their cache is gone) as they are; ``--learner-seeds xgb/larger=5``
reports a learner in one protocol over fewer seeds, and the table's heading
says so.

The default's rows since issue 19 gave LCMD its error weight (``lcmd``; the
cells before it were renamed ``lcmd-plain``, which ``LCMDSampling(
error_weighting=False)`` reproduces bit for bit) came from these runs (about
40 minutes on 2 busy cores), then ``--report-only --seeds 10
--keep-committed`` (committed ``lcmd`` rows relabelled ``lcmd-plain``)::

    R="computers concrete cps1988 diabetes diamonds slid storms txhousing yrbss"
    for P in main larger; do
      for L in lgbm hgb xgb rf; do
        nice -n 10 python benchmarks/label_efficiency.py --learners $L \
            --protocol $P --seeds 10 --n-jobs 2 --strategies lcmd --datasets $R
      done
    done

Flags: ``--datasets``, ``--learners`` (rf, hgb, xgb, lgbm; xgb and lgbm need
the ``boost`` extra and are skipped with a note without it), ``--strategies`` (labels as
printed by ``--list``), ``--seeds N`` (seeds 0..N-1), ``--protocol``
(main: 20 initial + 10 x 20, pool <= 5,000; larger: 100 + 8 x 100, pool <=
20,000), ``--n-jobs``, ``--report-only`` (rebuild the tables from the cache),
``--learner-seeds LEARNER[/PROTOCOL]=N``, ``--keep-committed``.

Discipline, the same for every strategy and peer (the user guide, "Honest
evaluation"): per seed, a test set (25 %, at most 5,000 rows) is split off
and is never in the pool; the pool is capped; inputs are one-hot encoded and
standardized with pool statistics, NaN imputed with the pool mean; every
strategy starts from the same random initial labels; the oracle is the pool's
target array, read only at queried positions; the model evaluated after
every round is the same learner (an ``ActiveLearningRegressor`` with the
benchmark's estimator) fit on the labels bought so far. Peers (scikit-activeml,
modAL; the ``bench`` extra) only choose the rows; their labels are scored
with exactly the model random sampling uses.

Learners: ``rf`` is ``RandomForestRegressor(n_estimators=100)``; its spread
comes from its trees. ``hgb`` is ``HistGradientBoostingRegressor()``, ``xgb``
``XGBRegressor()`` and ``lgbm`` ``LGBMRegressor(verbose=-1)`` (library
defaults, one thread), which have no spread of their own: strategies that
need one get skactive's boosting committee (``skactive/_boosting.py``: 5
clones with their own seed, row and feature subsampling, leaves scaled to the
labels) built beside the evaluated model; peers get a bagging committee of 5.
The cells of ``hgb`` committed before issue 19 used 5 bootstrap clones;
``benchmarks/boosting_designs.py`` compares the designs.

Headline per cell: exp(mean over seeds and rounds of log RMSE - log RMSE of
random), the RMSE ratio to random averaged over the learning curve (the
initial point, shared by all, excluded); below 1 is better. Also: labels
needed to reach random's final RMSE (mean curves), and the headroom: the same
model trained on the whole pool, as the same ratio to random's curve.

Finished cells (dataset x learner x protocol x strategy x seed) are cached in
``benchmarks/.cache/`` so a re-run skips them (delete a strategy's folder there
after changing its code). The report covers every cell finished in the cache
for the given seeds, whatever this run computed. Results go to
``docs/benchmarks/results/label_efficiency.{csv,md}`` and ``label_efficiency_<learner>_<protocol>.png``.
"""

import argparse
import json
import os
import sys
import time
import warnings

# One thread per process: HistGradientBoosting's OpenMP threads would
# otherwise oversubscribe the cores the joblib workers already share.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
from _common import CACHE_DIR, RESULTS, rmse
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

from skactive import ActiveLearningRegressor
from skactive.datasets import (
    REAL_DATASETS,
    SYNTHETIC_DATASETS,
    load_dataset,
)
from skactive.strategies import LCMDSampling, registered_strategies

CACHE = CACHE_DIR

PROTOCOLS = {
    "main": {"initial": 20, "batch": 20, "rounds": 10, "pool_cap": 5000},
    "larger": {"initial": 100, "batch": 100, "rounds": 8, "pool_cap": 20000},
}
TEST_SHARE, TEST_CAP = 0.25, 5000
HEADROOM_CUT = 0.9
COMMITTEE = 5
# The seed count the committed tables and the targets are stated at;
# a table with fewer says so in its heading.
FULL_SEEDS = 10


LEARNERS = ("rf", "hgb", "xgb", "lgbm")


def make_learner(name):
    """The benchmark's regressor: library defaults, one thread, no logging."""
    if name == "rf":
        return RandomForestRegressor(n_estimators=100, n_jobs=1)
    if name == "hgb":
        return HistGradientBoostingRegressor()
    if name == "xgb":
        from xgboost import XGBRegressor

        return XGBRegressor(n_jobs=1, verbosity=0)
    if name == "lgbm":
        from lightgbm import LGBMRegressor

        return LGBMRegressor(n_jobs=1, verbose=-1)
    raise ValueError(f"Unknown learner {name!r}; use one of {', '.join(LEARNERS)}.")


def missing_learners(names):
    """``{learner: note}`` for learners whose package is not installed."""
    notes = {}
    for name, module in (("xgb", "xgboost"), ("lgbm", "lightgbm")):
        if name in names:
            try:
                __import__(module)
            except ImportError:
                notes[name] = (
                    f"{module} is not installed (pip install 'skactive[boost]')"
                )
    return notes


# ------------------------------------------------------------------ strategies


def skactive_strategies():
    """Every registered score strategy x batch rule, labelled ``name-rule``,
    and every batch strategy (greedy sampling, LCMD), labelled ``name``: it
    chooses its own batch, so it runs once (the registry's declaration)."""
    out = {}
    for label, params in registered_strategies().items():
        if params.get("batch_selection") == "top" and label != "random":
            label = f"{label}-top"
        out[label] = params
    # The default before issue 19 made it scale LCMD's masses by the error.
    out["lcmd-plain"] = {"strategy": LCMDSampling(error_weighting=False)}
    return out


def peer_strategies():
    """Peers that are installed: label -> function choosing a batch."""
    peers = {}
    try:
        import skactiveml  # noqa: F401

        peers.update(
            {
                "skactiveml-qbc": _skactiveml_qbc,
                "skactiveml-gsx": _skactiveml_gsx,
                "skactiveml-igs": _skactiveml_igs,
                "skactiveml-rtal": _skactiveml_rtal,
            }
        )
    except ImportError:
        pass
    try:
        import modAL  # noqa: F401

        peers["modal-maxstd"] = _modal_max_std
    except ImportError:
        pass
    return peers


def _ensemble(learner_name, seed):
    """A fitted-spread ensemble for peers: the forest itself, or bagged HGB."""
    from sklearn.ensemble import BaggingRegressor

    model = make_learner(learner_name)
    if learner_name == "rf":
        return model.set_params(random_state=seed)
    return BaggingRegressor(model, n_estimators=COMMITTEE, random_state=seed)


def _y_partial(y_pool, labeled):
    y = np.full(y_pool.shape[0], np.nan)
    y[labeled] = y_pool[labeled]  # only the labels bought so far
    return y


def _skactiveml_qbc(X, y_pool, labeled, n, learner_name, seed):
    from skactiveml.pool import QueryByCommittee
    from skactiveml.regressor import SklearnRegressor

    ens = SklearnRegressor(_ensemble(learner_name, seed), random_state=seed)
    qs = QueryByCommittee(random_state=seed)
    return qs.query(X, _y_partial(y_pool, labeled), ensemble=ens, batch_size=n)


def _skactiveml_gsx(X, y_pool, labeled, n, learner_name, seed):
    from skactiveml.pool import GreedySamplingX

    qs = GreedySamplingX(random_state=seed)
    return qs.query(X, _y_partial(y_pool, labeled), batch_size=n)


def _skactiveml_igs(X, y_pool, labeled, n, learner_name, seed):
    from skactiveml.pool import GreedySamplingTarget
    from skactiveml.regressor import SklearnRegressor

    reg = SklearnRegressor(make_learner(learner_name), random_state=seed)
    qs = GreedySamplingTarget(method="GSi", random_state=seed)
    return qs.query(X, _y_partial(y_pool, labeled), reg=reg, batch_size=n)


def _skactiveml_rtal(X, y_pool, labeled, n, learner_name, seed):
    from skactiveml.pool import RegressionTreeBasedAL
    from skactiveml.regressor import SklearnRegressor
    from sklearn.tree import DecisionTreeRegressor

    # RT-AL needs a single regression tree with leaves of >= 2 rows.
    reg = SklearnRegressor(DecisionTreeRegressor(min_samples_leaf=5), random_state=seed)
    qs = RegressionTreeBasedAL(random_state=seed)
    return qs.query(X, _y_partial(y_pool, labeled), reg=reg, batch_size=n)


def _modal_max_std(X, y_pool, labeled, n, learner_name, seed):
    from modAL.disagreement import max_std_sampling
    from modAL.models import ActiveLearner, CommitteeRegressor

    rng = np.random.RandomState(seed + len(labeled))
    members = []
    for _ in range(COMMITTEE):
        boot = labeled[rng.randint(len(labeled), size=len(labeled))]
        model = make_learner(learner_name).set_params(
            random_state=rng.randint(2**31 - 1)
        )
        members.append(
            ActiveLearner(estimator=model, X_training=X[boot], y_training=y_pool[boot])
        )
    committee = CommitteeRegressor(
        learner_list=members, query_strategy=max_std_sampling
    )
    unlabeled = np.setdiff1d(np.arange(X.shape[0]), labeled)
    picked, _ = committee.query(X[unlabeled], n_instances=n)
    return unlabeled[np.asarray(picked)]


# ------------------------------------------------------------------------ data


def prepare(dataset, protocol, seed):
    """Split, cap, encode and standardize one data set for one seed."""
    X, y = load_dataset(dataset)
    X = pd.get_dummies(X, dummy_na=False, dtype=float)
    X = X.to_numpy(dtype=float)
    y = y.to_numpy(dtype=float)
    rng = np.random.RandomState(seed)
    order = rng.permutation(y.shape[0])
    n_test = min(round(TEST_SHARE * y.shape[0]), TEST_CAP)
    test, pool = order[:n_test], order[n_test:]
    pool = pool[: PROTOCOLS[protocol]["pool_cap"]]
    X_pool, X_test = X[pool], X[test]
    mean = np.nanmean(X_pool, axis=0)
    mean = np.where(np.isnan(mean), 0.0, mean)
    std = np.nanstd(X_pool, axis=0)
    std = np.where((std > 0) & np.isfinite(std), std, 1.0)
    X_pool = np.nan_to_num((X_pool - mean) / std, nan=0.0)
    X_test = np.nan_to_num((X_test - mean) / std, nan=0.0)
    return X_pool, y[pool], X_test, y[test]


def _rmse_mae(model, X_test, y_test):
    predicted = model.predict(X_test)
    return rmse(y_test, predicted), float(np.mean(np.abs(predicted - y_test)))


def run_cell(dataset, learner_name, protocol, strategy, seed, data):
    """One learning curve: returns {'n_labels', 'rmse', 'mae', 'seconds'}."""
    X_pool, y_pool, X_test, y_test = data
    spec = PROTOCOLS[protocol]
    started = time.perf_counter()
    start = np.random.RandomState(seed).choice(
        y_pool.shape[0], spec["initial"], replace=False
    )
    template = make_learner(learner_name)
    if strategy == "full-pool":
        model = ActiveLearningRegressor(template, strategy="random", random_state=seed)
        model.fit(X_pool, y_pool)
        rmse, mae = _rmse_mae(model, X_test, y_test)
        return {
            "n_labels": [int(y_pool.shape[0])],
            "rmse": [rmse],
            "mae": [mae],
            "seconds": time.perf_counter() - started,
        }
    n_queries = spec["batch"] * spec["rounds"]
    ours = skactive_strategies()
    if strategy in ours:
        model = ActiveLearningRegressor(template, random_state=seed, **ours[strategy])
        model.fit(X_pool[start], y_pool[start])
        first = _rmse_mae(model, X_test, y_test)
        rest = np.setdiff1d(np.arange(y_pool.shape[0]), start)
        # The oracle is the pool's target array, read only where queried.
        model.learn(
            X_pool[rest],
            y_pool[rest],
            n_queries=n_queries,
            batch_size=spec["batch"],
            X_val=X_test,
            y_val=y_test,
        )
        n_labels = [spec["initial"]] + [r["n_labels"] for r in model.history_]
        rmse = [first[0]] + [r["val_rmse"] for r in model.history_]
        mae = [first[1]] + [r["val_mae"] for r in model.history_]
    else:
        choose = peer_strategies()[strategy]
        # Scored with exactly the model random sampling uses.
        model = ActiveLearningRegressor(template, strategy="random", random_state=seed)
        model.fit(X_pool[start], y_pool[start])
        labeled = np.array(start)
        n_labels, rmse, mae = [spec["initial"]], [], []
        first = _rmse_mae(model, X_test, y_test)
        rmse.append(first[0]), mae.append(first[1])
        for _ in range(spec["rounds"]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                picked = np.asarray(
                    choose(X_pool, y_pool, labeled, spec["batch"], learner_name, seed),
                    dtype=int,
                ).ravel()
            if (
                np.intersect1d(picked, labeled).size
                or np.unique(picked).size != picked.size
            ):
                raise RuntimeError(f"{strategy} queried a labeled or repeated row")
            model.teach(X_pool[picked], y_pool[picked])
            labeled = np.concatenate([labeled, picked])
            n_labels.append(int(labeled.size))
            score = _rmse_mae(model, X_test, y_test)
            rmse.append(score[0]), mae.append(score[1])
    return {
        "n_labels": [int(v) for v in n_labels],
        "rmse": rmse,
        "mae": mae,
        "seconds": time.perf_counter() - started,
    }


def _cache_path(dataset, learner, protocol, strategy, seed):
    return CACHE / protocol / learner / dataset / strategy / f"seed{seed}.json"


def _run_group(dataset, learner, protocol, seed, strategies):
    """All missing cells of one data set x learner x protocol x seed."""
    todo = [
        s
        for s in strategies
        if not _cache_path(dataset, learner, protocol, s, seed).exists()
    ]
    if not todo:
        return []
    data = prepare(dataset, protocol, seed)
    spec = PROTOCOLS[protocol]
    needed = spec["initial"] + spec["batch"] * spec["rounds"]
    done = []
    for strategy in todo:
        path = _cache_path(dataset, learner, protocol, strategy, seed)
        if data[1].shape[0] < needed + spec["batch"]:
            result = {"skipped": f"pool of {data[1].shape[0]} rows < {needed} labels"}
        else:
            try:
                result = run_cell(dataset, learner, protocol, strategy, seed, data)
            except Exception as exc:  # noqa: BLE001 - recorded and reported, not fatal
                result = {"error": f"{type(exc).__name__}: {exc}"}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(result))
        os.replace(tmp, path)
        done.append(
            (
                dataset,
                learner,
                protocol,
                strategy,
                seed,
                result.get("seconds", result.get("error", result.get("skipped"))),
            )
        )
    return done


# --------------------------------------------------------------------- report


def _load(dataset, learner, protocol, strategy, seeds):
    curves = []
    for seed in seeds:
        path = _cache_path(dataset, learner, protocol, strategy, seed)
        if not path.exists():
            return None
        cell = json.loads(path.read_text())
        if "rmse" not in cell:
            return cell
        curves.append(cell)
    return curves


def summarize(datasets, learners, protocol, strategies, seeds):
    """One row per data set x learner x strategy with every seed finished."""
    rows = []
    for learner in learners:
        for dataset in datasets:
            base = _load(dataset, learner, protocol, "random", seeds)
            full = _load(dataset, learner, protocol, "full-pool", seeds)
            if not isinstance(base, list):
                continue
            base_log = np.array([np.log(c["rmse"][1:]) for c in base])
            base_mean = np.mean([c["rmse"] for c in base], axis=0)
            headroom = np.nan
            if isinstance(full, list):
                full_log = np.array([np.log(c["rmse"][0]) for c in full])
                headroom = float(np.exp(np.mean(full_log[:, None] - base_log)))
            for strategy in strategies:
                own = _load(dataset, learner, protocol, strategy, seeds)
                if not isinstance(own, list):
                    continue
                own_log = np.array([np.log(c["rmse"][1:]) for c in own])
                mean_curve = np.mean([c["rmse"] for c in own], axis=0)
                n_labels = np.array(own[0]["n_labels"])
                reached = n_labels[mean_curve <= base_mean[-1]]
                rows.append(
                    {
                        "protocol": protocol,
                        "learner": learner,
                        "dataset": dataset,
                        "suite": "real" if dataset in REAL_DATASETS else "synthetic",
                        "strategy": strategy,
                        "rmse_ratio": float(np.exp(np.mean(own_log - base_log))),
                        "labels_to_random_final": float(reached.min())
                        if reached.size
                        else np.nan,
                        "random_final_labels": int(n_labels[-1]),
                        "final_rmse": float(mean_curve[-1]),
                        "headroom": headroom,
                        "n_seeds": len(own),
                        "seconds_per_run": float(np.mean([c["seconds"] for c in own])),
                    }
                )
    return pd.DataFrame(rows)


def _md_table(frame, integer=False):
    frame = frame.copy()
    cols = [str(c) for c in frame.columns]
    lines = [
        "| " + " | ".join([frame.index.name or ""] + cols) + " |",
        "|" + "---|" * (len(cols) + 1),
    ]
    for idx in frame.index:
        cells = []
        for col in frame.columns:
            v = frame.at[idx, col]
            if pd.api.types.is_integer_dtype(frame[col]):
                cells.append(str(int(v)))
            elif isinstance(v, (float, np.floating)):
                fmt = "{:.0f}" if integer else "{:.3f}"
                cells.append("" if np.isnan(v) else fmt.format(v))
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join([str(idx)] + cells) + " |")
    return "\n".join(lines)


def summarize_cache(seeds, learner_seeds=None):
    """Every finished cell in the cache (all ``seeds`` done), any learner/protocol.

    ``learner_seeds``: ``{learner: seeds}`` or ``{(learner, protocol): seeds}``
    overriding ``seeds`` for a learner (in one protocol); the pair wins.
    """
    frames = []
    learner_seeds = learner_seeds or {}
    for protocol in PROTOCOLS:
        for learner in LEARNERS:
            mine = learner_seeds.get(
                (learner, protocol), learner_seeds.get(learner, seeds)
            )
            root = CACHE / protocol / learner
            if not root.is_dir():
                continue
            datasets = [
                d
                for d in list(REAL_DATASETS) + list(SYNTHETIC_DATASETS)
                if (root / d).is_dir()
            ]
            # Screened batch-rule variants are reported by batch_rule_screen.py.
            strategies = sorted(
                {
                    p.name
                    for d in datasets
                    for p in (root / d).iterdir()
                    if p.is_dir() and p.name != "full-pool" and "-screen-" not in p.name
                }
            )
            frames.append(summarize(datasets, [learner], protocol, strategies, mine))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _with_committed(table):
    """``table`` plus the committed CSV's rows for cells ``table`` lacks.

    Batch strategies were labelled ``name-top`` before they declared that
    they choose their own batch; they are renamed ``name``. The committed
    rows of the diverse rule (``*-diverse``) were measured with the rule of
    issue 14 as merged, so they are kept like the others.
    """
    path = RESULTS / "label_efficiency.csv"
    if not path.exists():
        return table
    old = pd.read_csv(path)
    batch = {
        label
        for label, params in skactive_strategies().items()
        if "batch_selection" not in params and label != "random"
    }
    old["strategy"] = old["strategy"].map(
        lambda s: (
            s[: -len("-top")]
            if s.endswith("-top") and s[: -len("-top")] in batch
            else s
        )
    )
    key = ["protocol", "learner", "dataset", "strategy"]
    if not table.empty:
        have = pd.MultiIndex.from_frame(table[key])
        old = old[~pd.MultiIndex.from_frame(old[key]).isin(have)]
    # Marks the kept rows for the report's headings (not written to the CSV).
    return pd.concat(
        [table.assign(kept=False), old.assign(kept=True)], ignore_index=True
    )


def _seed_range(block):
    """The heading's seed count, flagged when below ``FULL_SEEDS``."""
    low, high = int(block["n_seeds"].min()), int(block["n_seeds"].max())
    text = str(high) if low == high else f"{low} to {high}, per row in the CSV"
    if low < FULL_SEEDS:
        text += f"; fewer than {FULL_SEEDS}, provisional"
    return text


def _source(block):
    """Where a table's rows come from: this cache, the committed CSV, or both."""
    kept = block["kept"] if "kept" in block else pd.Series(False, index=block.index)
    if kept.all():
        return "; rows kept from the committed CSV"
    if kept.any():
        return "; some rows kept from the committed CSV"
    return ""


def write_report(table, command, seeds):
    RESULTS.mkdir(parents=True, exist_ok=True)
    csv_path = RESULTS / "label_efficiency.csv"
    table = table.sort_values(["protocol", "learner", "suite", "dataset", "strategy"])
    table.drop(columns="kept", errors="ignore").to_csv(
        csv_path, index=False, float_format="%.4f"
    )
    parts = [
        "# Label efficiency against random sampling",
        "",
        (
            f"Generated by `{command}` from every cell finished for seeds "
            f"{seeds[0]}..{seeds[-1]} in the cache (unless `--learner-seeds` says "
            "otherwise; each row's seed count is `n_seeds` in the CSV)."
        ),
        (
            "Cell: exp(mean over seeds and rounds of log RMSE − log RMSE of random); "
            "below 1 is better. `headroom`: the same model trained on the whole pool, "
            "as that ratio. `lost`: real data sets with ratio > 1.02."
        ),
        (
            "Gradient boosting (hgb, xgb, lgbm): skactive's strategies use the "
            "boosting committee of `skactive/_boosting.py` since issue 19; cells "
            "cached before it (the committed hgb rows) used 5 bootstrap clones. "
            "Peers get a bagging committee of 5 clones. The default with each "
            "committee design, per learner: `boosting_designs.md`."
        ),
        (
            "`lcmd` is the default since issue 19: LCMD with each pool row's mass "
            "scaled by an estimate of the model's error there "
            "(`skactive/_error_estimate.py`; the variants tried before it are in "
            "`lcmd_variants.md`). `lcmd-plain` is the default before it "
            "(`error_weighting=False`), measured as `lcmd` then; the synthetic "
            "sets have no `lcmd` row yet."
        ),
    ]
    for (protocol, learner), block in table.groupby(["protocol", "learner"]):
        spec = PROTOCOLS[protocol]
        parts += [
            "",
            (
                f"## {learner}, protocol {protocol} "
                f"({spec['initial']} initial + {spec['rounds']} x {spec['batch']}, "
                f"pool <= {spec['pool_cap']}, "
                f"seeds: {_seed_range(block)}{_source(block)})"
            ),
            "",
        ]
        real = block[block["suite"] == "real"]
        summary = (
            real.groupby("strategy")
            .agg(
                median_ratio=("rmse_ratio", "median"),
                geomean_ratio=("rmse_ratio", lambda r: float(np.exp(np.log(r).mean()))),
                worst=("rmse_ratio", "max"),
                lost=("rmse_ratio", lambda r: int((r > 1.02).sum())),
                datasets=("rmse_ratio", "size"),
            )
            .sort_values("median_ratio")
        )
        # The data sets where there is something to win: a model on the whole
        # pool at most 0.9 x random's curve. Labels share: "never" counts as
        # more than every budget, so it pulls the median up.
        room = real[real["headroom"] <= HEADROOM_CUT]
        share = (
            room["labels_to_random_final"].fillna(np.inf) / room["random_final_labels"]
        )
        summary["headroom_median"] = room.groupby("strategy")["rmse_ratio"].median()
        summary["headroom_labels_share"] = share.groupby(room["strategy"]).median()
        summary.index.name = "strategy (real suite)"
        parts += [
            _md_table(summary),
            "",
            (
                f"`headroom_median`, `headroom_labels_share`: over the "
                f"{room['dataset'].nunique()} real data sets with headroom <= "
                f"{HEADROOM_CUT} ({', '.join(sorted(room['dataset'].unique()))}): "
                "median ratio, and median share of random's labels needed to "
                "reach random's final RMSE (inf: never)."
            ),
            "",
        ]
        for suite in ("real", "synthetic"):
            sub = block[block["suite"] == suite]
            if sub.empty:
                continue
            wide = sub.pivot(index="strategy", columns="dataset", values="rmse_ratio")
            head = sub.groupby("dataset")["headroom"].first()
            wide.loc["(headroom: whole pool)"] = head
            wide.index.name = f"ratio to random ({suite})"
            parts += [_md_table(wide), ""]
            labels = sub.pivot(
                index="strategy", columns="dataset", values="labels_to_random_final"
            )
            labels.index.name = (
                f"labels to random's final RMSE ({suite}; of "
                f"{int(sub['random_final_labels'].max())}; blank: never)"
            )
            parts += [_md_table(labels, integer=True), ""]
    # One line per protocol/learner/data set and reason, with the cells' count.
    reasons = {}
    for path in sorted(CACHE.glob("*/*/*/*/seed*.json")):
        cell = json.loads(path.read_text())
        if "error" in cell or "skipped" in cell:
            where = "/".join(path.relative_to(CACHE).parts[:3])
            reason = cell.get("error", cell.get("skipped"))
            reasons.setdefault((where, reason), []).append(path.parent.name)
    failed = [
        f"- `{where}` ({len(cells)} cells: {', '.join(sorted(set(cells)))}): {reason}"
        for (where, reason), cells in reasons.items()
    ]
    if failed:
        parts += ["## Cells not run or failed", "", *failed, ""]
    (RESULTS / "label_efficiency.md").write_text("\n".join(parts) + "\n")
    _plot(table)
    return table


def _plot(table):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no plot (pip install 'skactive[bench]')")
        return
    for (protocol, learner), block in table.groupby(["protocol", "learner"]):
        order = (
            block[block["suite"] == "real"]
            .groupby("strategy")["rmse_ratio"]
            .median()
            .sort_values()
            .index.tolist()
        )
        order += [s for s in block["strategy"].unique() if s not in order]
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(order) + 1.5))
        datasets = sorted(block["dataset"].unique())
        cmap = plt.get_cmap("tab20")
        for k, dataset in enumerate(datasets):
            sub = block[block["dataset"] == dataset].set_index("strategy")
            ys = [order.index(s) + (k - len(datasets) / 2) * 0.03 for s in sub.index]
            ax.scatter(
                sub["rmse_ratio"],
                ys,
                s=18,
                color=cmap(k % 20),
                label=dataset,
                marker="o" if sub["suite"].iloc[0] == "real" else "x",
            )
        med = block[block["suite"] == "real"].groupby("strategy")["rmse_ratio"].median()
        ax.scatter(
            [med.get(s, np.nan) for s in order],
            range(len(order)),
            marker="|",
            s=300,
            color="black",
            label="median (real)",
        )
        ax.axvline(1.0, color="grey", lw=1)
        ax.axvspan(0.98, 1.02, color="grey", alpha=0.15)
        ax.set_yticks(range(len(order)), order)
        ax.invert_yaxis()
        ax.set_xlabel("RMSE ratio to random over the curve (below 1 is better)")
        ax.set_title(f"Label efficiency: {learner}, protocol {protocol}")
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        fig.tight_layout()
        fig.savefig(RESULTS / f"label_efficiency_{learner}_{protocol}.png", dpi=110)
        plt.close(fig)


# ----------------------------------------------------------------------- main


def main(argv=None):
    all_strategies = {**skactive_strategies(), **peer_strategies()}
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--datasets", nargs="+", default=list(REAL_DATASETS) + list(SYNTHETIC_DATASETS)
    )
    parser.add_argument("--learners", nargs="+", default=["rf"], choices=LEARNERS)
    parser.add_argument("--strategies", nargs="+", default=list(all_strategies))
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--protocol", default="main", choices=sorted(PROTOCOLS))
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument(
        "--learner-seeds",
        nargs="+",
        default=[],
        metavar="LEARNER[/PROTOCOL]=N",
        help="report a learner's cells (in one protocol) over seeds 0..N-1 instead",
    )
    parser.add_argument(
        "--keep-committed",
        action="store_true",
        help="keep the committed CSV's rows for cells this cache lacks",
    )
    parser.add_argument("--list", action="store_true", help="print strategy labels")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(all_strategies))
        return 0
    unknown = sorted(set(args.strategies) - set(all_strategies))
    if unknown:
        parser.error(f"unknown strategies {unknown}; known: {sorted(all_strategies)}")
    strategies = list(dict.fromkeys(["random", *args.strategies]))
    seeds = list(range(args.seeds))
    for name, note in missing_learners(args.learners).items():
        print(f"skipping learner {name}: {note}")
    args.learners = [lrn for lrn in args.learners if lrn not in missing_learners([lrn])]
    if not args.report_only:
        from sklearn.utils.parallel import Parallel, delayed

        # Data set by data set, so an interrupted run leaves whole cells.
        groups = [
            (d, lrn, s) for d in args.datasets for lrn in args.learners for s in seeds
        ]
        started = time.perf_counter()
        jobs = Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(
            delayed(_run_group)(d, lrn, args.protocol, s, strategies + ["full-pool"])
            for d, lrn, s in groups
        )
        for k, done in enumerate(jobs, 1):
            for cell in done:
                print(
                    f"[{k}/{len(groups)} {time.perf_counter() - started:6.0f}s] "
                    + " ".join(map(str, cell)),
                    flush=True,
                )
    # The report covers every finished cell in the cache, not only this run's.
    learner_seeds = {}
    for item in args.learner_seeds:
        key, n = item.split("=", 1)
        learner, _, protocol = key.partition("/")
        if learner not in LEARNERS or (protocol and protocol not in PROTOCOLS):
            parser.error(f"--learner-seeds {item!r}: use LEARNER[/PROTOCOL]=N")
        learner_seeds[(learner, protocol) if protocol else learner] = list(
            range(int(n))
        )
    table = summarize_cache(seeds, learner_seeds)
    if args.keep_committed:
        table = _with_committed(table)
    if table.empty:
        print("No finished cells yet.")
        return 1
    command = "python benchmarks/label_efficiency.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    write_report(table, command.strip(), seeds)
    print((RESULTS / "label_efficiency.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
