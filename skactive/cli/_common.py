"""What the commands share: argument types, the default CSV pipeline, the
output folder, and the report of a simulation."""

import argparse
import dataclasses
import importlib.util
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from ..simulation import simulate
from ._errors import CommandError


def _number(text, convert, fits, expected):
    """``convert(text)`` if it ``fits``, else an argparse error naming ``expected``."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not fits(value):
        shown = repr(text) if value is None else value
        raise argparse.ArgumentTypeError(f"expected {expected}, got {shown}")
    return value


def positive_int(text):
    return _number(text, int, lambda value: value >= 1, "a positive integer")


def share(text):
    return _number(text, float, lambda value: 0 < value < 1, "a number in (0, 1)")


@dataclasses.dataclass
class Plan:
    """How a simulation of the command line runs (see :func:`simulate`)."""

    budget: int = None
    initial_size: int = 20
    batch_size: int = 20
    n_repeats: int = 3
    test_size: float = 0.25
    n_jobs: int = None
    random_state: int = 0

    @classmethod
    def options(cls, args):
        """The plan's settings among parsed arguments (by ``dest``)."""
        names = [field.name for field in dataclasses.fields(cls)]
        return {name: getattr(args, name) for name in names if hasattr(args, name)}


def simulate_and_report(X, y, learner, strategies, plan, *, out, header, title):
    """Run :func:`run_simulation` as ``plan`` says, write and print its results.

    ``out`` is the folder (from :func:`output_folder`), ``header`` the line
    printed before the run and ``title`` the plot's. Returns the result.
    """
    if not has_matplotlib():
        print(NO_PNG + " The tables are still written.\n")
    print(header, flush=True)
    started = time.perf_counter()
    result, notes = run_simulation(
        X, y, learner=learner, strategies=strategies, **dataclasses.asdict(plan)
    )
    written = write_outputs(result, out, title)
    report(result, time.perf_counter() - started, written, notes)
    return result


def default_pipeline(n_estimators=100, *, oob_score=False, random_state=None):
    """One-hot encoding and imputation, then a random forest.

    The model of ``skactive simulate`` and ``skactive label`` on a CSV.
    Numeric columns: median imputation. Other columns (text, categories,
    booleans): most-frequent imputation and one-hot encoding (at most 30
    levels per column; unseen levels ignored).

    Parameters
    ----------
    n_estimators : int, default=100
        Trees in the forest.
    oob_score : bool, default=False
        Keep out-of-bag predictions (``skactive label`` reports an error
        estimate from them).
    random_state : int, RandomState instance or None, default=None
        Seed of the forest.

    Returns
    -------
    model : Pipeline
    """
    numeric = SimpleImputer(strategy="median")
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(
            handle_unknown="infrequent_if_exist", max_categories=30, sparse_output=False
        ),
    )
    prepare = ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include="number")),
            ("categorical", categorical, make_column_selector(dtype_exclude="number")),
        ]
    )
    forest = RandomForestRegressor(
        n_estimators=n_estimators, oob_score=oob_score, random_state=random_state
    )
    return make_pipeline(prepare, forest)


def has_matplotlib():
    """Whether matplotlib can be imported (the ``plot`` extra)."""
    return importlib.util.find_spec("matplotlib") is not None


NO_PNG = (
    'No PNG: matplotlib is missing; pip install "skactive[plot]" to get curves.png.'
)


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
        "display.float_format",
        "{:.3f}".format,
        "display.width",
        200,
        "display.max_columns",
        50,
    ):
        print("Test RMSE by number of labels (mean over repeats):")
        print(table.to_string())
        print(
            "\nAgainst random over the learning curve (rmse_ratio below 1 is better):"
        )
        print(summary.drop(columns="verdict").to_string())
    print("\n" + result.verdict())
    print(f"\n{elapsed:.1f} s; wrote " + ", ".join(str(p) for p in written))
    if not any(str(p).endswith(".png") for p in written):
        print(NO_PNG)
    for note in notes:
        print(note, file=sys.stderr)
