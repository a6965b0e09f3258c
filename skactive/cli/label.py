"""``skactive label``: a person labels the rows of a CSV, at the prompt or in a
spreadsheet, in a session that survives crashes and can be resumed."""

import math
import os
import sys

import numpy as np
import pandas as pd

from .._files import write_new_file
from .._metrics import estimate_error
from .._regressor import ActiveLearningRegressor
from .._row_identity import key_token, normalize_column, row_identities, same_cell
from .._store import is_teachable_value
from ..session import ImplausibleAnswerError, LabelingSession
from ..stopping import LabelBudget, StabilizingPredictions
from ._common import default_pipeline

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
    label.add_argument(
        "--id",
        default=None,
        metavar="COLUMN",
        help="key column identifying each row (not used as a feature); by "
        "default a row is identified by its feature values",
    )
    io = label.add_mutually_exclusive_group()
    io.add_argument(
        "--export",
        metavar="FILE",
        help="write the next batch to a new CSV to fill in elsewhere, then stop",
    )
    io.add_argument(
        "--import",
        dest="import_",
        metavar="FILE",
        help="read answers from a CSV written by --export (all or nothing)",
    )
    io.add_argument(
        "--write-labeled",
        metavar="FILE",
        help="write the pool CSV with every stored answer filled in to a new file",
    )
    io.add_argument(
        "--correct",
        nargs=2,
        metavar=("ROW", "VALUE"),
        help="store VALUE for ROW (the row number shown at the prompt), "
        "replacing its answer",
    )
    io.add_argument(
        "--forget",
        type=int,
        metavar="ROW",
        help="withdraw the stored answer (or skip) of ROW",
    )
    label.add_argument(
        "--overwrite",
        action="store_true",
        help="let --export / --write-labeled replace an existing file (never the "
        "pool CSV or the session file)",
    )
    label.add_argument(
        "--confirm",
        action="store_true",
        help="store answers far outside the labels so far (--import, --correct)",
    )
    label.add_argument(
        "--annotator",
        default=None,
        metavar="NAME",
        help="who is answering; stored with each answer",
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
    label.add_argument(
        "--host", default="127.0.0.1", help="with --serve (default 127.0.0.1)"
    )
    label.add_argument(
        "--port", type=int, default=0, help="with --serve (default 0: a free port)"
    )
    label.set_defaults(handler=run)
    return label


class _Pool:
    """The CSV split into initial labels and pool, with row bookkeeping."""

    def __init__(self, path, target, id_column=None):
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
        if id_column is not None and id_column not in frame.columns:
            raise ValueError(
                f"{path!r} has no column {id_column!r} (--id); its columns are "
                f"{list(frame.columns)}."
            )
        if id_column == target:
            raise ValueError("--id names the target column; name a key column.")
        self.path, self.target, self.key = path, target, id_column
        self.frame = frame
        dropped = [target] if id_column is None else [target, id_column]
        self.features = frame.drop(columns=dropped)
        if self.features.shape[1] == 0:
            raise ValueError(f"{path!r} has no feature column besides {target!r}.")
        labeled = numeric.notna().to_numpy()
        self.labeled_rows = np.flatnonzero(labeled)
        self.pool_rows = np.flatnonzero(~labeled)
        self.y_labeled = numeric.to_numpy(dtype=float)[labeled]
        self.X_labeled = self.features.iloc[self.labeled_rows].reset_index(drop=True)
        self.X_pool = self.features.iloc[self.pool_rows].reset_index(drop=True)
        self.keys = (
            None
            if id_column is None
            else frame[id_column].iloc[self.pool_rows].to_numpy(dtype=object)
        )
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
    except (ValueError, OSError) as exc:
        message = " ".join(str(exc).split())
        print(f"skactive label: error: {message}", file=sys.stderr)
        return 1


def _run(args):
    if args.batch < 1:
        raise ValueError(f"--batch must be at least 1; got {args.batch}.")
    pool = _Pool(args.pool, args.target, args.id)
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
        default_pipeline(oob_score=True, random_state=args.random_state),
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
        session = LabelingSession(
            learner, pool.X_pool, args.session, id=pool.keys, stopping=stopping
        )
    except ValueError as exc:
        if "no longer in the pool" not in str(exc):
            raise
        raise ValueError(
            f"{args.pool!r} has changed since these answers were given: {exc} "
            f"(A row whose {args.target!r} cell was filled in since is no longer "
            "to be labeled: empty that cell again, or start a new --session.)"
        ) from exc
    protected = _protected(args, session)
    with session:
        if args.import_:
            return _import(session, pool, args.import_, args)
        if args.export:
            return _export(session, pool, args.export, args.batch, args, protected)
        if args.write_labeled:
            return _write_labeled(session, pool, args.write_labeled, args, protected)
        if args.correct:
            return _correct(session, pool, args)
        if args.forget is not None:
            return _forget(session, pool, args.forget)
        if args.serve:
            from ..web._cli import serve_pool

            return serve_pool(session, pool, args)
        return _interactive(session, pool, show, args.batch, args.annotator)


def _protected(args, session):
    return [
        (args.pool, "the pool CSV"),
        (args.session, "the session file"),
        (session._store.lock_path, "the session's lock file"),
    ]


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


def _interactive(session, pool, show, batch, annotator=None):
    name = os.path.basename(pool.path)
    _progress(session, pool)
    width = max(len(str(c)) for c in show)
    done = []  # (position, row) answered or skipped in this sitting, for undo
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
                        f"{pool.target} for row {row} "
                        "[a number, s = skip, u = undo, q = quit]: "
                    ).strip()
                except (EOFError, KeyboardInterrupt):  # Ctrl-D or Ctrl-C: quit
                    text = "q"
                    print()
                if text.lower() in {"q", "quit"}:
                    print("Saved. Run the same command again to resume.")
                    _progress(session, pool)
                    return 0
                if text.lower() in {"u", "undo"}:
                    _undo(session, pool, done)
                    continue
                if text.lower() in _SKIP_WORDS:
                    if _stored(
                        lambda: session.skip(int(position), annotator=annotator)  # noqa: B023 (called at once)
                    ):
                        print(f"  skipped row {row}; it will not be asked again.")
                        done.append((int(position), row))
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
                if not is_teachable_value(value):
                    print(
                        f"  {text!r} is too large to learn from (beyond +/-3.4e+38); "
                        "NOT SAVED. Type the value again, s or q."
                    )
                    continue
                if _answered(session, int(position), value, annotator):
                    print(f"  saved {pool.target} = {value:g} for row {row}.")
                    done.append((int(position), row))
                    break
        print()
        _progress(session, pool)
        reason = session.check_stopping()
        if reason:
            print(f"Stopping: {reason}. Every answer is saved.")
            return 0


def _undo(session, pool, done):
    """Withdraw the last answer or skip of this sitting."""
    if not done:
        print(
            "  nothing to undo in this sitting (--forget ROW withdraws older answers)."
        )
        return
    position, row = done[-1]
    before = session.answers_.get(position)
    if _stored(lambda: session.forget(position)):
        done.pop()
        what = "the skip" if before is None else f"{pool.target} = {before:g}"
        print(f"  withdrew {what} for row {row}; it will be asked again later.")


def _answered(session, position, value, annotator):
    """Store one typed answer; an implausible one only once confirmed."""
    try:
        session.answer(position, value, annotator=annotator)
        return True
    except ImplausibleAnswerError:
        pass
    except ValueError as exc:
        print(f"  NOT SAVED: {exc}")
        return False
    except OSError as exc:
        print(f"  NOT SAVED: {exc}")
        return False
    low, high = _label_range(session)
    try:
        reply = (
            input(
                f"  {value:g} is far outside the labels so far ({low:g} to {high:g}). "
                "Store it anyway? [y/N]: "
            )
            .strip()
            .lower()
        )
    except (EOFError, KeyboardInterrupt):
        reply = ""
        print()
    if reply not in {"y", "yes"}:
        print("  not saved; type the value again, s or q.")
        return False
    return _stored(
        lambda: session.answer(position, value, annotator=annotator, confirm=True)
    )


def _label_range(session):
    learner = session.learner
    y = getattr(learner, "y_labeled_", None)
    if y is None or len(y) == 0:
        return float("nan"), float("nan")
    return float(np.min(y)), float(np.max(y))


def _stored(write):
    """Run a session write; on a storage error say so and let the person retry."""
    try:
        write()
    except (OSError, ValueError) as exc:
        print(f"  NOT SAVED: {exc}")
        return False
    return True


def _export(session, pool, path, batch, args, protected):
    positions = session.propose(batch)
    if positions.size == 0:
        print("Every row is answered or skipped: nothing to export.")
        return 0
    mean, std = _guess(session, pool, positions)
    table = pool.X_pool.iloc[positions].copy()
    if pool.key is not None:
        table.insert(0, pool.key, pool.keys[positions])
    table.insert(0, pool.id_column, pool.pool_rows[positions])
    table[pool.target] = np.nan
    table["model_guess"] = np.round(mean, 4)
    table["model_spread"] = np.round(std, 4)
    write_new_file(
        path, table.to_csv(index=False), overwrite=args.overwrite, protected=protected
    )
    print(
        f"Wrote {positions.size} rows to {path}. Fill in the {pool.target!r} column "
        f"(a number, or 'skip' for a row you cannot label), then run with --import {path}."
    )
    return 0


def _write_labeled(session, pool, path, args, protected):
    """The pool CSV with every stored answer in the target column."""
    out = pool.frame.copy()
    answers = session.answers_
    rows = pool.pool_rows[answers.index.to_numpy(dtype=np.intp)]
    column = out.columns.get_loc(pool.target)
    out.iloc[rows, column] = answers.to_numpy()
    write_new_file(
        path, out.to_csv(index=False), overwrite=args.overwrite, protected=protected
    )
    print(
        f"Wrote {path}: {len(out)} rows, {pool.labeled_rows.size + len(answers)} with "
        f"a {pool.target!r} ({pool.labeled_rows.size} from "
        f"{os.path.basename(pool.path)}, {len(answers)} answered)."
    )
    return 0


def _pool_position(pool, text):
    try:
        row = int(str(text).strip())
    except ValueError:
        raise ValueError(f"ROW must be a row number; got {text!r}.") from None
    position = pool.position_of(row)
    if position is None:
        raise ValueError(
            f"Row {row} is not a row to label in {pool.path!r} (rows to label have "
            f"an empty {pool.target!r}); give the row number shown at the prompt."
        )
    return row, position


def _correct(session, pool, args):
    row, position = _pool_position(pool, args.correct[0])
    try:
        value = float(args.correct[1])
    except ValueError:
        raise ValueError(f"VALUE must be a number; got {args.correct[1]!r}.") from None
    before = session.answers_.get(position)
    try:
        session.answer(position, value, annotator=args.annotator, confirm=args.confirm)
    except ImplausibleAnswerError as exc:
        raise ValueError(f"{exc} (From the command line: add --confirm.)") from exc
    was = "" if before is None else f" (was {before:g})"
    print(f"Stored {pool.target} = {value:g} for row {row}{was}.")
    return 0


def _forget(session, pool, row_text):
    row, position = _pool_position(pool, row_text)
    before = session.answers_.get(position)
    session.forget(position)
    what = "the skip" if before is None else f"the answer {before:g}"
    print(f"Forgot {what} of row {row}; it can be asked again.")
    return 0


def _import(session, pool, path, args):
    """Validate a whole answers file first; store it all, or nothing."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        typed = pd.read_csv(path)  # feature values read as the pool's are
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(
            f"Cannot read {path!r} as a CSV: {exc}; nothing was stored."
        ) from exc
    columns = list(pool.features.columns)
    locator = pool.key if pool.key is not None else pool.id_column
    missing = [c for c in [locator, pool.target, *columns] if c not in table.columns]
    if missing:
        raise ValueError(
            f"{path!r} has no column(s) {missing}; it must have the columns "
            f"written by --export ({locator!r}, the features and {pool.target!r}), "
            "so that every answer can be checked against its row. Nothing was "
            "stored."
        )
    checker = _RowChecker(pool, typed[columns])
    problems, positions, values, skipped, seen, moved = [], [], [], [], {}, []
    for i, (locate_text, answer) in enumerate(zip(table[locator], table[pool.target])):
        line = i + 2
        answer = answer.strip()
        position, problem = checker.locate(i, locate_text.strip())
        if problem:
            problems.append(f"line {line}: {problem}")
            continue
        if position in seen:
            problems.append(
                f"line {line}: row {pool.row_of(position)} appears twice (also line "
                f"{seen[position]})"
            )
            continue
        seen[position] = line
        if pool.key is None and str(pool.row_of(position)) != locate_text.strip():
            moved.append((line, locate_text.strip(), pool.row_of(position)))
        row = pool.row_of(position)
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
            if not is_teachable_value(value):
                problems.append(
                    f"line {line}: row {row}: {answer!r} is too large to learn from"
                )
                continue
            positions.append(position)
            values.append(value)
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise ValueError(
            f"{path!r} has {len(problems)} problem(s): {shown}{more}. Nothing was "
            "stored; fix the file (a number, or 'skip', for every row; rows as "
            "exported) and import it again, or export a new batch."
        )
    if not positions and not skipped:
        raise ValueError(f"{path!r} has no answer rows; nothing was stored.")
    try:
        session.import_answers(
            positions, values, skipped, annotator=args.annotator, confirm=args.confirm
        )
    except ImplausibleAnswerError as exc:
        raise ValueError(
            f"{path!r}: {exc} Nothing was stored. (From the command line: add "
            "--confirm to store it.)"
        ) from exc
    for line, was, now in moved:
        print(f"Line {line}: row {was} is now row {now} of {pool.path} (same values).")
    print(f"Imported {len(positions)} answers and {len(skipped)} skips from {path}.")
    _progress(session, pool)
    return 0


class _RowChecker:
    """Finds the pool row each line of an answers file is about, by its values.

    A line names its row (by number, or by key with --id); its feature
    values must be those of that row. Without a key, a line whose row number
    now points elsewhere (rows were added or removed above it) is matched to
    the one row to label with exactly its values, or refused.
    """

    def __init__(self, pool, features):
        self.pool = pool
        names = list(pool.features.columns)
        self.pool_cells = [normalize_column(pool.X_pool[c]) for c in names]
        self.file_cells = [normalize_column(features[c]) for c in names]
        self.names = names
        self._by_key = None
        if pool.keys is not None:
            tokens = row_identities(pool.X_pool, keys=pool.keys)
            self._by_key = {t: p for p, t in enumerate(tokens)}
        self._by_values = None
        self._file_digests = None
        self._features = features

    def _differences(self, i, position):
        out = []
        cells = zip(self.names, self.pool_cells, self.file_cells)
        for name, (pool_numbers, pool_texts), (file_numbers, file_texts) in cells:
            a = (pool_numbers[position], pool_texts[position])
            b = (file_numbers[i], file_texts[i])
            if not same_cell(a, b):
                out.append(
                    f"{name} {_cell_text(b)} in the file, {_cell_text(a)} in "
                    f"{os.path.basename(self.pool.path)}"
                )
        return out

    def _relocate(self, i):
        if self._by_values is None:
            digests = [d.rsplit(":", 1)[0] for d in row_identities(self.pool.X_pool)]
            self._by_values = {}
            for position, d in enumerate(digests):
                self._by_values.setdefault(d, []).append(position)
            self._file_digests = [
                d.rsplit(":", 1)[0]
                for d in row_identities(self._features.reset_index(drop=True))
            ]
        return self._by_values.get(self._file_digests[i], [])

    def locate(self, i, text):
        """(position, None) for line ``i``, or (None, what is wrong)."""
        pool = self.pool
        if self._by_key is not None:
            token = key_token(text)
            position = self._by_key.get(None if token is None else "key:" + token)
            if position is None:
                return None, f"key {text!r} is not a row to label in {pool.path}"
            differences = self._differences(i, position)
            if differences:
                return None, (
                    f"key {text!r} is not the row exported ("
                    + "; ".join(differences[:3])
                    + ")"
                )
            return position, None
        try:
            row = int(text)
        except ValueError:
            return None, f"row {text!r} is not a row number"
        position = pool.position_of(row)
        if position is not None:
            differences = self._differences(i, position)
            if not differences:
                return position, None
            where = (
                f"row {row} is not the row exported ("
                + "; ".join(differences[:3])
                + ")"
            )
        elif row in set(pool.labeled_rows.tolist()):
            where = f"unknown row {row} (already has a target in the pool CSV)"
        else:
            where = f"unknown row {row} (is not a row of the pool CSV)"
        matches = self._relocate(i)
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, (
                f"{where}; {len(matches)} rows to label have this line's values, "
                "so it cannot be placed"
            )
        return None, f"{where}; no row to label has this line's values"


def _cell_text(cell):
    number, text = cell
    if text is not None:
        return repr(text)
    return "(missing)" if np.isnan(number) else f"{number:g}"
