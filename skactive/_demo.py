"""``skactive demo`` and ``skactive simulate``: strategies against random, honestly."""

import importlib.util
import time
import warnings
from pathlib import Path

import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from ._regressor import ActiveLearningRegressor
from .simulation import simulate
from .strategies._registry import BATCH_SELECTIONS, STRATEGIES, strategy_kinds


class CommandError(ValueError):
    """A problem with the user's input, reported as one line on stderr."""


def registered_strategies(batch_rules=("top", "diverse")):
    """``{label: learner params}``: random, then every registered strategy.

    A score strategy runs with each of ``batch_rules`` that is registered
    (label ``name`` for top-n, ``name-rule`` otherwise); a batch strategy
    (greedy sampling, LCMD) chooses its own batch and runs once, with no
    ``batch_selection``.
    """
    settings = {"random": {"strategy": "random"}}
    rules = [rule for rule in batch_rules if rule in BATCH_SELECTIONS]
    for name, kind in strategy_kinds().items():
        if name == "random":
            continue
        if kind == "batch":
            settings[name] = {"strategy": name}
            continue
        for rule in rules:
            label = name if rule == "top" else f"{name}-{rule}"
            settings[label] = {"strategy": name, "batch_selection": rule}
    return settings


def parse_strategies(names):
    """``{label: params}`` from ``name`` or ``name:rule`` items; random first."""
    settings = {"random": {"strategy": "random"}}
    for item in names:
        name, _, rule = item.partition(":")
        if name not in STRATEGIES:
            raise CommandError(
                f"unknown strategy {name!r}; use one of {', '.join(sorted(STRATEGIES))} "
                "(optionally name:batch_rule)"
            )
        if rule and rule not in BATCH_SELECTIONS:
            raise CommandError(
                f"unknown batch rule {rule!r} in {item!r}; use one of "
                f"{', '.join(sorted(BATCH_SELECTIONS))}"
            )
        if rule and strategy_kinds()[name] == "batch":
            raise CommandError(
                f"{name!r} chooses its own batch; drop ':{rule}' from {item!r}"
            )
        params = {"strategy": name}
        if rule:
            params["batch_selection"] = rule
        settings[name if not rule or rule == "top" else f"{name}-{rule}"] = params
    return settings


def default_pipeline(n_estimators=100):
    """One-hot encoding and imputation, then a random forest.

    Numeric columns: median imputation. Other columns (text, categories,
    booleans): most-frequent imputation and one-hot encoding (at most 30
    levels per column; unseen levels ignored).
    """
    numeric = SimpleImputer(strategy="median")
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=30,
                      sparse_output=False),
    )
    prepare = ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include="number")),
            ("categorical", categorical, make_column_selector(dtype_exclude="number")),
        ]
    )
    return make_pipeline(prepare, RandomForestRegressor(n_estimators=n_estimators))


def has_matplotlib():
    """Whether matplotlib can be imported (the ``plot`` extra)."""
    return importlib.util.find_spec("matplotlib") is not None


NO_PNG = 'No PNG: matplotlib is missing; pip install "skactive[plot]" to get curves.png.'


def output_folder(out, default):
    """The folder to write into: ``out`` if given (refused if it holds any of
    our files), else ``default``, or ``default-2``, ``default-3``, ... the
    first that does not exist, so an earlier run is never overwritten."""
    names = ("summary.csv", "curves.csv", "curves.png")
    if out is not None:
        out = Path(out)
        clash = [name for name in names if (out / name).exists()]
        if clash:
            raise CommandError(
                f"{out} already holds {', '.join(clash)}; pass a new --out folder "
                "(earlier results are never overwritten)"
            )
        return out
    candidate, number = Path(default), 1
    while candidate.exists():
        number += 1
        candidate = Path(f"{default}-{number}")
    return candidate


def write_outputs(result, out, title):
    """Write summary.csv, curves.csv and curves.png into ``out``; return paths."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create output directory {out}: {exc}") from exc
    written = []
    summary = result.summary()
    summary.to_csv(out / "summary.csv")
    written.append(out / "summary.csv")
    result.curves.to_csv(out / "curves.csv", index=False)
    written.append(out / "curves.csv")
    if not has_matplotlib():
        return written
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    # Spread bands of more than a few strategies hide each other.
    spread = "std" if result.curves["strategy"].nunique() <= 4 else None
    result.plot(ax=ax, title=title, spread=spread)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out / "curves.png", dpi=110)
    plt.close(fig)
    written.append(out / "curves.png")
    return written


def run_simulation(X, y, **kwargs):
    """:func:`simulate` for the command line: progress on stderr in any
    output, one line per distinct warning cause, and the repeats finished
    before a failure kept. Returns ``(result, notes)``: lines to print."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = simulate(X=X, y=y, progress=True, **kwargs)
    notes = [f"warning: {' '.join(str(w.message).split())}" for w in caught]
    return result, notes


def report(result, elapsed, written, notes=()):
    """Print the mean curves, the summary table, the verdict, and any
    warnings (one line per cause) and failures on stderr."""
    table = result.curves.pivot_table(
        index="n_labels", columns="strategy", values="rmse", aggfunc="mean"
    )[list(dict.fromkeys(result.curves["strategy"]))]
    summary = result.summary()
    with pd.option_context(
        "display.float_format", "{:.3f}".format, "display.width", 200,
        "display.max_columns", 50,
    ):
        print("Test RMSE by number of labels (mean over repeats):")
        print(table.to_string())
        print("\nAgainst random over the learning curve (rmse_ratio below 1 is better):")
        print(summary.drop(columns="verdict").to_string())
    print("\n" + result.verdict())
    print(f"\n{elapsed:.1f} s; wrote " + ", ".join(str(p) for p in written))
    if not any(str(p).endswith(".png") for p in written):
        print(NO_PNG)
    for note in notes:
        print(note, file=sys.stderr)


# The demo: the default against random, and top-k uncertainty (the strategy
# a newcomer would try first, which loses to random on this data).
DEMO_STRATEGIES = {
    "random": {"strategy": "random"},
    "lcmd": {"strategy": "lcmd"},
    "uncertainty": {"strategy": "uncertainty", "batch_selection": "top"},
}


def run_demo(n_repeats=5, random_state=0, out=None, n_jobs=1, all_strategies=False):
    """The default strategy and top-k uncertainty against random on Friedman #1.

    Friedman #1 (2,000 rows, 10 inputs, 5 informative, noise 1) is generated
    locally; a quarter is held out as a test set that is never in the pool.
    Each strategy starts from the same 20 random labels and buys 8 rounds
    of 25. ``all_strategies`` runs every registered strategy and batch rule
    instead (several minutes).

    Returns
    -------
    result : SimulationResult
    """
    out = output_folder(out, "skactive-demo")
    if not has_matplotlib():
        print(NO_PNG + " The tables are still written.\n")
    X, y = make_friedman1(n_samples=2000, noise=1.0, random_state=random_state)
    # 30 trees: fitting trees is most of the demo's time, and 30 give the
    # spread the strategies need on 220 labels.
    learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=30))
    settings = registered_strategies() if all_strategies else DEMO_STRATEGIES
    print(
        f"Friedman #1 (2,000 rows), random forest; {len(settings)} strategies "
        f"({', '.join(settings)}) x {n_repeats} repeats, 20 initial labels + 8 "
        "rounds of 25; the test set is never in the pool.\n",
        flush=True,
    )
    started = time.perf_counter()
    result, notes = run_simulation(
        X,
        y,
        learner=learner,
        strategies=settings,
        budget=220,
        initial_size=20,
        # 8 rounds of 25 rather than 10 of 20: the same budget, two fewer
        # refits per run, and the demo stays under 45 s on two busy cores.
        batch_size=25,
        n_repeats=n_repeats,
        n_jobs=n_jobs,
        random_state=random_state,
    )
    written = write_outputs(result, out, "skactive demo: Friedman #1, random forest")
    report(result, time.perf_counter() - started, written, notes)
    return result


def read_table(path, target):
    """``(X, y)`` from a CSV file, or a :class:`CommandError` saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"cannot read {path} as CSV: {first}") from exc
    if target not in frame.columns:
        shown = ", ".join(map(str, frame.columns[:20]))
        more = " ..." if frame.shape[1] > 20 else ""
        raise CommandError(
            f"column {target!r} is not in {path}; its columns are: {shown}{more}"
        )
    y = pd.to_numeric(frame[target], errors="coerce")
    bad = y.isna() & frame[target].notna()
    if bad.any():
        example = frame.loc[bad, target].iloc[0]
        raise CommandError(
            f"target column {target!r} must be numeric; row {int(np.flatnonzero(bad)[0]) + 2} "
            f"holds {example!r}"
        )
    if not np.isfinite(y.dropna()).all():
        raise CommandError(f"target column {target!r} holds infinite values")
    X = frame.drop(columns=[target])
    if X.shape[1] == 0:
        raise CommandError(f"{path} has no column besides the target {target!r}")
    keep = y.notna().to_numpy()
    if not keep.any():
        raise CommandError(f"target column {target!r} is empty")
    dropped = int((~keep).sum())
    if dropped:
        print(f"Left out {dropped} rows with no {target!r} (a simulation needs every target).")
    for column in X.columns:
        if X[column].dtype == bool:
            X[column] = X[column].astype(float)
        elif X[column].dtype == object:  # one type per column for the encoder
            X[column] = X[column].where(X[column].isna(), X[column].astype(str))
    return X[keep].reset_index(drop=True), y[keep].to_numpy(dtype=float)


def run_csv(
    path,
    target,
    *,
    strategies=None,
    budget=None,
    initial_size=20,
    batch_size=20,
    n_repeats=3,
    test_size=0.25,
    out=None,
    n_jobs=None,
    random_state=0,
):
    """Strategies against random on a CSV file, with the default pipeline.

    Returns
    -------
    result : SimulationResult
    """
    X, y = read_table(path, target)
    settings = registered_strategies() if not strategies else parse_strategies(strategies)
    n_rows = len(y)
    n_pool = n_rows - int(np.ceil(test_size * n_rows))
    rows = f"{n_rows} labeled row{'s' if n_rows != 1 else ''}"
    if initial_size >= n_pool:
        raise CommandError(
            f"{path} has only {rows}; the initial set needs {initial_size} random "
            f"labels and more rows left to query, but {n_pool} remain after "
            f"holding out {n_rows - n_pool} for testing. Pass more rows"
            + (" or a smaller --initial-size" if initial_size > 1 else "")
        )
    if budget is None:
        budget = min(initial_size + 10 * batch_size, n_pool)
    if budget < initial_size:
        raise CommandError(
            f"--budget {budget} is smaller than the initial set of {initial_size} "
            "random labels; pass a larger --budget or a smaller --initial-size"
        )
    if budget > n_pool:
        raise CommandError(
            f"--budget {budget} exceeds the pool: {rows}, {n_pool} after "
            "holding out the test set; lower --budget"
        )
    out = output_folder(out, "skactive-simulation")
    if not has_matplotlib():
        print(NO_PNG + " The tables are still written.\n")
    learner = ActiveLearningRegressor(default_pipeline())
    print(
        f"{path}: {len(y)} rows, {X.shape[1]} input columns, target {target!r}; "
        f"{len(settings)} strategies x {n_repeats} repeats, {initial_size} initial "
        f"labels + rounds of {batch_size} up to {budget}; a test set of "
        f"{len(y) - n_pool} rows is never in the pool.\n"
    )
    started = time.perf_counter()
    result, notes = run_simulation(
        X,
        y,
        learner=learner,
        strategies=settings,
        budget=budget,
        initial_size=initial_size,
        batch_size=batch_size,
        test_size=test_size,
        n_repeats=n_repeats,
        n_jobs=n_jobs,
        random_state=random_state,
    )
    written = write_outputs(result, out, f"{Path(path).name}: {target}")
    report(result, time.perf_counter() - started, written, notes)
    return result
