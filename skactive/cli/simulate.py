"""``skactive simulate``: strategies against random on the user's CSV, honestly."""

from pathlib import Path

import numpy as np
import pandas as pd

from .._regressor import ActiveLearningRegressor
from ..strategies import registered_strategies
from ..strategies._registry import BATCH_SELECTIONS, STRATEGIES, strategy_kinds
from ._common import (
    Plan,
    default_pipeline,
    output_folder,
    positive_int,
    share,
    simulate_and_report,
)
from ._errors import CommandError


def add_parser(commands):
    """Register the ``simulate`` subcommand on an argparse subparsers object."""
    sim = commands.add_parser(
        "simulate",
        help="strategies against random on your CSV: a table, the curves, a PNG",
        description="Honest active-learning simulation on a CSV file: a test set "
        "is held out, every strategy starts from the same random labels, and the "
        "target column is read only for queried rows. Numeric and text columns "
        "with missing values are fine (one-hot encoding + imputation + forest).",
    )
    sim.add_argument("data", help="CSV file with a header row")
    sim.add_argument("--target", required=True, help="column to predict")
    sim.add_argument(
        "--strategies",
        nargs="+",
        metavar="NAME[:RULE]",
        help="strategies to compare with random, e.g. uncertainty "
        "qbc:top (default: every registered one)",
    )
    sim.add_argument(
        "--budget",
        type=positive_int,
        help="labels at the end (default initial + 10 batches)",
    )
    sim.add_argument(
        "--initial-size",
        type=positive_int,
        default=20,
        help="random labels to start from (default 20)",
    )
    sim.add_argument(
        "--batch-size",
        type=positive_int,
        default=20,
        help="labels per round (default 20)",
    )
    sim.add_argument(
        "--repeats",
        dest="n_repeats",
        type=positive_int,
        default=3,
        help="independent splits (default 3)",
    )
    sim.add_argument(
        "--test-size",
        type=share,
        default=0.25,
        help="share of rows held out (default 0.25)",
    )
    sim.add_argument(
        "--out",
        default=None,
        help="new directory for summary.csv, curves.csv, curves.png "
        "(default: skactive-simulation, or skactive-simulation-2, ...)",
    )
    sim.add_argument("--n-jobs", type=int, default=None)
    sim.add_argument("--random-state", type=int, default=0)
    sim.set_defaults(handler=run)


def run(args):
    """Entry point of ``skactive simulate``; returns the exit status."""
    result = run_csv(
        args.data,
        args.target,
        strategies=args.strategies,
        out=args.out,
        **Plan.options(args),
    )
    return 1 if result.failures else 0


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


def read_table(path, target):
    """``(X, y)`` from a CSV file, or a :class:`CommandError` saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    try:
        frame = pd.read_csv(path)
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        OSError,
        ValueError,
    ) as exc:
        first = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
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
        print(
            f"Left out {dropped} rows with no {target!r} (a simulation needs every target)."
        )
    for column in X.columns:
        if X[column].dtype == bool:
            X[column] = X[column].astype(float)
        elif X[column].dtype == object:  # one type per column for the encoder
            X[column] = X[column].where(X[column].isna(), X[column].astype(str))
    return X[keep].reset_index(drop=True), y[keep].to_numpy(dtype=float)


def run_csv(path, target, *, strategies=None, out=None, **plan):
    """Strategies against random on a CSV file, with the default pipeline.

    ``plan`` holds the settings of :class:`~skactive.cli._common.Plan`
    (``budget``, ``initial_size``, ``batch_size``, ``n_repeats``,
    ``test_size``, ``n_jobs``, ``random_state``).

    Returns
    -------
    result : SimulationResult
    """
    plan = Plan(**plan)
    initial_size, test_size = plan.initial_size, plan.test_size
    X, y = read_table(path, target)
    settings = (
        registered_strategies() if not strategies else parse_strategies(strategies)
    )
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
    if plan.budget is None:
        plan.budget = min(initial_size + 10 * plan.batch_size, n_pool)
    budget = plan.budget
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
    return simulate_and_report(
        X,
        y,
        ActiveLearningRegressor(default_pipeline()),
        settings,
        plan,
        out=output_folder(out, "skactive-simulation"),
        header=(
            f"{path}: {len(y)} rows, {X.shape[1]} input columns, target "
            f"{target!r}; {len(settings)} strategies x {plan.n_repeats} repeats, "
            f"{initial_size} initial labels + rounds of {plan.batch_size} up to "
            f"{budget}; a test set of {len(y) - n_pool} rows is never in the pool.\n"
        ),
        title=f"{Path(path).name}: {target}",
    )
