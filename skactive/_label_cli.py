"""``skactive label``: a person labels the rows of a CSV, at the prompt or in a
spreadsheet, in a session that survives crashes and can be resumed."""

import math
import os
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder

from ._regressor import ActiveLearningRegressor
from .session import LabelingSession
from .stopping import LabelBudget, StabilizingPredictions

_SKIP_WORDS = {"s", "skip"}


def add_parser(commands):
    """Register the ``label`` subcommand on an argparse subparsers object."""
    label = commands.add_parser(
        "label",
        help="a person labels rows of a CSV (resumable session)",
        description=(
            "Label the rows of a CSV whose target is empty, most informative "
            "first. Rows whose target is filled are the initial labels. Every "
            "answer is saved in the session file the moment it is typed; run the "
            "same command again to resume."
        ),
    )
    label.add_argument("pool", help="CSV file: features and the target column")
    label.add_argument("--target", required=True, help="name of the target column")
    label.add_argument(
        "--session", required=True, help="session file (SQLite; created if missing)"
    )
    label.add_argument(
        "--batch", type=int, default=5, help="rows per batch (default 5)"
    )
    label.add_argument(
        "--show",
        default=None,
        help="comma-separated columns to show for each row (default: all)",
    )
    io = label.add_mutually_exclusive_group()
    io.add_argument(
        "--export",
        metavar="FILE",
        help="write the next batch to a CSV to fill in elsewhere, then stop",
    )
    io.add_argument(
        "--import",
        dest="import_",
        metavar="FILE",
        help="read answers from a CSV written by --export (all or nothing)",
    )
    label.add_argument(
        "--max-labels",
        type=int,
        default=None,
        help="stop once this many labels (initial + answered) are known",
    )
    label.add_argument(
        "--stop-when-stable",
        action="store_true",
        help="stop when the model's predictions stop changing between batches",
    )
    label.add_argument("--random-state", type=int, default=0)
    label.add_argument(
        "--serve",
        action="store_true",
        help="label in the browser: serve a local page (needs skactive[web])",
    )
    label.add_argument("--host", default="127.0.0.1", help="with --serve (default 127.0.0.1)")
    label.add_argument("--port", type=int, default=0, help="with --serve (default 0: a free port)")
    label.set_defaults(handler=run)
    return label


def default_model(X, random_state=0):
    """One-hot + imputer + random forest, for CSVs of numbers and categories.

    Parameters
    ----------
    X : DataFrame
        The feature columns.
    random_state : int, default=0

    Returns
    -------
    model : Pipeline
    """
    numeric = list(X.select_dtypes(include="number").columns)
    other = [c for c in X.columns if c not in numeric]
    parts = []
    if numeric:
        parts.append(
            ("numeric", SimpleImputer(strategy="median", add_indicator=True), numeric)
        )
    if other:
        parts.append(
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="(missing)"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                other,
            )
        )
    forest = RandomForestRegressor(
        n_estimators=100, oob_score=True, random_state=random_state
    )
    return Pipeline([("prepare", ColumnTransformer(parts)), ("forest", forest)])


def estimate_error(learner):
    """Out-of-bag RMSE of the learner's forest, and how it was estimated.

    Every tree is scored on the labeled rows its bootstrap draw left out, so
    the estimate costs no extra label and no refit. None with fewer than 5
    labels.
    """
    if learner is None or not hasattr(learner, "n_labeled_") or learner.n_labeled_ < 5:
        return None, None
    model = learner.estimator_
    final = model[-1] if isinstance(model, Pipeline) else model
    predicted = getattr(final, "oob_prediction_", None)
    if predicted is None:
        return None, None
    predicted = np.asarray(predicted, dtype=float).ravel()
    y = learner.y_labeled_
    keep = np.isfinite(predicted)
    return float(np.sqrt(np.mean((predicted[keep] - y[keep]) ** 2))), "out-of-bag RMSE"


class _Pool:
    """The CSV split into initial labels and pool, with row bookkeeping."""

    def __init__(self, path, target):
        try:
            frame = pd.read_csv(path)
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ValueError(f"Cannot read {path!r} as a CSV: {exc}") from exc
        if target not in frame.columns:
            raise ValueError(
                f"{path!r} has no column {target!r}; its columns are "
                f"{list(frame.columns)}. Pass --target with one of them."
            )
        raw = frame[target]
        numeric = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & numeric.isna()
        if bad.any():
            rows = list(frame.index[bad][:10])
            raise ValueError(
                f"The target column {target!r} of {path!r} holds non-numeric values "
                f"in rows {rows} (0-based data rows); leave a cell empty for a row "
                "to be labeled, or put a number in it."
            )
        if np.isinf(numeric).any():
            raise ValueError(f"The target column {target!r} holds infinite values.")
        self.path, self.target = path, target
        self.features = frame.drop(columns=[target])
        if self.features.shape[1] == 0:
            raise ValueError(f"{path!r} has no feature column besides {target!r}.")
        labeled = numeric.notna().to_numpy()
        self.labeled_rows = np.flatnonzero(labeled)
        self.pool_rows = np.flatnonzero(~labeled)
        self.y_labeled = numeric.to_numpy(dtype=float)[labeled]
        self.X_labeled = self.features.iloc[self.labeled_rows].reset_index(drop=True)
        self.X_pool = self.features.iloc[self.pool_rows].reset_index(drop=True)
        self.id_column = "row" if "row" not in frame.columns else "skactive_row"
        self._position_of = {int(r): i for i, r in enumerate(self.pool_rows)}

    def row_of(self, position):
        return int(self.pool_rows[position])

    def position_of(self, row):
        return self._position_of.get(int(row))


def run(args):
    """Entry point of ``skactive label``; returns the exit status."""
    try:
        return _run(args)
    except ValueError as exc:
        print(f"skactive label: error: {exc}", file=sys.stderr)
        return 1


def _run(args):
    if args.batch < 1:
        raise ValueError(f"--batch must be at least 1; got {args.batch}.")
    pool = _Pool(args.pool, args.target)
    if pool.pool_rows.size == 0:
        raise ValueError(
            f"Every row of {args.pool!r} has a target: nothing to label. Leave the "
            f"{args.target!r} cell empty in the rows to be labeled."
        )
    show = list(pool.features.columns)
    if args.show:
        show = [c.strip() for c in args.show.split(",") if c.strip()]
        unknown = [c for c in show if c not in pool.features.columns]
        if unknown:
            raise ValueError(
                f"--show names unknown columns {unknown}; the feature columns are "
                f"{list(pool.features.columns)}."
            )
    learner = ActiveLearningRegressor(
        default_model(pool.features, args.random_state),
        random_state=args.random_state,
    )
    if pool.labeled_rows.size:
        learner.fit(pool.X_labeled, pool.y_labeled)
    stopping = []
    if args.max_labels is not None:
        stopping.append(LabelBudget(args.max_labels))
    if args.stop_when_stable:
        stopping.append(StabilizingPredictions(random_state=args.random_state))
    try:
        session = LabelingSession(learner, pool.X_pool, args.session, stopping=stopping)
    except ValueError as exc:
        if "not the pool the session" not in str(exc):
            raise
        raise ValueError(
            f"{args.pool!r} has changed since the session {args.session!r} started: "
            f"its rows with an empty {args.target!r} (the pool) are not the same "
            "rows in the same order. Restore the CSV as it was (the answers are in "
            "the session file), or pass a new --session."
        ) from exc
    with session:
        if args.import_:
            return _import(session, pool, args.import_)
        if args.export:
            return _export(session, pool, args.export, args.batch)
        if args.serve:
            from .web._cli import serve_pool

            return serve_pool(session, pool, args)
        return _interactive(session, pool, show, args.batch)


def _progress(session, pool):
    n_answered = len(session.answers_)
    n_own = pool.labeled_rows.size
    left = session.remaining().size
    line = (
        f"Progress: {n_own + n_answered} labels ({n_own} from {os.path.basename(pool.path)}"
        f", {n_answered} answered in this session), {session.skipped_.size} skipped, "
        f"{left} rows left to label."
    )
    learner = session.learner if hasattr(session.learner, "n_labeled_") else None
    error, method = estimate_error(learner)
    if error is None:
        line += " Estimated error: not yet (needs 5 labels)."
    else:
        line += f" Estimated error ({method}): {error:.4g}."
    print(line, flush=True)


def _guess(session, pool, positions):
    if not hasattr(session.learner, "n_labeled_"):
        n = len(positions)
        return np.full(n, np.nan), np.full(n, np.nan)
    return session.learner.predict(pool.X_pool.iloc[positions], return_std=True)


def _format_value(value):
    if isinstance(value, float) and math.isnan(value):
        return "(missing)"
    if pd.isna(value):
        return "(missing)"
    return str(value)


def _interactive(session, pool, show, batch):
    name = os.path.basename(pool.path)
    _progress(session, pool)
    width = max(len(str(c)) for c in show)
    while True:
        positions = session.propose(batch)
        if positions.size == 0:
            print("Every row is answered or skipped: nothing left to label.")
            return 0
        for k, position in enumerate(positions, start=1):
            row = pool.row_of(position)
            print()
            print(
                f"Row {row} of {name} (line {row + 2}), {k} of {len(positions)} in this batch:"
            )
            values = pool.X_pool.iloc[position]
            for column in show:
                print(f"  {str(column):<{width}} : {_format_value(values[column])}")
            mean, std = _guess(session, pool, [position])
            if np.isfinite(mean[0]):
                print(f"  model's guess: {mean[0]:.4g} +/- {std[0]:.3g}")
            else:
                print("  model's guess: none yet (no labels)")
            while True:
                try:
                    text = input(
                        f"{pool.target} for row {row} [a number, s = skip, q = quit]: "
                    ).strip()
                except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C: quit
                    text = "q"
                    print()
                if text.lower() in {"q", "quit"}:
                    print("Saved. Run the same command again to resume.")
                    _progress(session, pool)
                    return 0
                if text.lower() in _SKIP_WORDS:
                    if _stored(lambda: session.skip(int(position))):
                        print(f"  skipped row {row}; it will not be asked again.")
                        break
                    continue
                try:
                    value = float(text)
                except ValueError:
                    print(
                        f"  {text!r} is not a number; type a number, s to skip or q to quit."
                    )
                    continue
                if not math.isfinite(value):
                    print(f"  {text!r} is not a finite number; type a number, s or q.")
                    continue
                if _stored(lambda: session.answer(int(position), value)):
                    print(f"  saved {pool.target} = {value:g} for row {row}.")
                    break
        print()
        _progress(session, pool)
        reason = session.check_stopping()
        if reason:
            print(f"Stopping: {reason}. Every answer is saved.")
            return 0


def _stored(write):
    """Run a session write; on a storage error say so and let the person retry."""
    try:
        write()
    except OSError as exc:
        print(f"  NOT SAVED: {exc}")
        return False
    return True


def _export(session, pool, path, batch):
    positions = session.propose(batch)
    if positions.size == 0:
        print("Every row is answered or skipped: nothing to export.")
        return 0
    mean, std = _guess(session, pool, positions)
    table = pool.X_pool.iloc[positions].copy()
    table.insert(0, pool.id_column, pool.pool_rows[positions])
    table[pool.target] = np.nan
    table["model_guess"] = np.round(mean, 4)
    table["model_spread"] = np.round(std, 4)
    table.to_csv(path, index=False)
    print(
        f"Wrote {positions.size} rows to {path}. Fill in the {pool.target!r} column "
        f"(a number, or 'skip' for a row you cannot label), then run with --import {path}."
    )
    return 0


def _import(session, pool, path):
    """Validate a whole answers file first; store it all, or nothing."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(
            f"Cannot read {path!r} as a CSV: {exc}; nothing was stored."
        ) from exc
    missing = [c for c in (pool.id_column, pool.target) if c not in table.columns]
    if missing:
        raise ValueError(
            f"{path!r} has no column(s) {missing}; it must have the columns "
            f"{pool.id_column!r} and {pool.target!r} written by --export. Nothing "
            "was stored."
        )
    problems, positions, values, skipped, seen = [], [], [], [], set()
    for line, (row_text, answer) in enumerate(
        zip(table[pool.id_column], table[pool.target]), start=2
    ):
        row_text, answer = row_text.strip(), answer.strip()
        try:
            row = int(row_text)
        except ValueError:
            problems.append(f"line {line}: row {row_text!r} is not a row number")
            continue
        position = pool.position_of(row)
        if position is None:
            known = (
                "already has a target in the pool CSV"
                if row in set(pool.labeled_rows.tolist())
                else "is not a row of the pool CSV"
            )
            problems.append(f"line {line}: unknown row {row} ({known})")
            continue
        if row in seen:
            problems.append(f"line {line}: row {row} appears twice")
            continue
        seen.add(row)
        if answer == "":
            problems.append(f"line {line}: row {row} has no answer")
        elif answer.lower() in _SKIP_WORDS:
            skipped.append(position)
        else:
            try:
                value = float(answer)
            except ValueError:
                problems.append(f"line {line}: row {row}: {answer!r} is not a number")
                continue
            if not math.isfinite(value):
                problems.append(f"line {line}: row {row}: {answer!r} is not finite")
                continue
            positions.append(position)
            values.append(value)
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise ValueError(
            f"{path!r} has {len(problems)} problem(s): {shown}{more}. Nothing was "
            "stored; fix the file (a number, or 'skip', for every row) and import "
            "it again."
        )
    if not positions and not skipped:
        raise ValueError(f"{path!r} has no answer rows; nothing was stored.")
    session.import_answers(positions, values, skipped)
    print(f"Imported {len(positions)} answers and {len(skipped)} skips from {path}.")
    _progress(session, pool)
    return 0
