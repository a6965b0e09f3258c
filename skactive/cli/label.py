"""``skactive label``: a person labels the rows of a CSV, at the prompt or in a
spreadsheet, in a session that survives crashes and can be resumed."""

import sys

from .._regressor import ActiveLearningRegressor
from ..session import ImplausibleAnswerError, LabelingSession
from ..stopping import LabelBudget, StabilizingPredictions
from ._common import default_pipeline
from ._label_files import _export, _import, _write_labeled
from ._label_pool import _Pool
from ._label_prompt import _interactive


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
    label.add_argument("--random-state", type=int, default=0)
    label.add_argument(
        "--host", default="127.0.0.1", help="with --serve (default 127.0.0.1)"
    )
    label.add_argument(
        "--port", type=int, default=0, help="with --serve (default 0: a free port)"
    )
    switches = {
        "--overwrite": "let --export / --write-labeled replace an existing file "
        "(never the pool CSV or the session file)",
        "--confirm": "store answers far outside the labels so far "
        "(--import, --correct)",
        "--stop-when-stable": "stop when the model's predictions stop changing "
        "between batches",
        "--serve": "label in the browser: serve a local page (needs skactive[web])",
    }
    for flag, text in switches.items():
        label.add_argument(flag, action="store_true", help=text)
    label.set_defaults(handler=run)
    return label


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
