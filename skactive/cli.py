"""The ``skactive`` command line.

Each subcommand registers itself with one ``_add_<name>_parser(commands)``
function called from :func:`build_parser`; its handler returns an exit
status. Input problems raise :class:`CommandError` (or ``ValueError``), which
:func:`main` prints as one line on stderr with exit status 2.
"""

import argparse
import sys

from ._demo import CommandError


def _demo(args):
    from ._demo import run_demo

    result = run_demo(n_repeats=args.repeats, random_state=args.random_state,
                      out=args.out, n_jobs=args.n_jobs,
                      all_strategies=args.all_strategies)
    return 1 if result.failures else 0


def _simulate(args):
    from ._demo import run_csv

    result = run_csv(
        args.data,
        args.target,
        strategies=args.strategies,
        budget=args.budget,
        initial_size=args.initial_size,
        batch_size=args.batch_size,
        n_repeats=args.repeats,
        test_size=args.test_size,
        out=args.out,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
    )
    return 1 if result.failures else 0


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _share(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {value}")
    return value


def _add_demo_parser(commands):
    demo = commands.add_parser(
        "demo",
        help="the default strategy against random on built-in data: a table and a PNG",
        description="The default strategy (lcmd) and top-k uncertainty against "
        "random sampling on Friedman #1, 5 repeats, under a minute. Writes "
        "summary.csv, curves.csv and curves.png (with the plot extra) into a "
        "new folder.",
    )
    demo.add_argument("--repeats", type=_positive_int, default=5,
                      help="repeats (default 5; fewer than 3 cannot tell)")
    demo.add_argument("--all-strategies", action="store_true",
                      help="every registered strategy and batch rule (minutes)")
    demo.add_argument("--random-state", type=int, default=0)
    # One process by default: measured on two shared cores, 26 s against
    # 43-48 s with two worker processes (their start-up and the contention).
    demo.add_argument("--n-jobs", type=int, default=1,
                      help="parallel runs (default 1; try 2 or more on an idle machine)")
    demo.add_argument("--out", default=None,
                      help="new directory for summary.csv, curves.csv, curves.png "
                      "(default: skactive-demo, or skactive-demo-2, ... if taken)")
    demo.set_defaults(handler=_demo)


def _add_simulate_parser(commands):
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
    sim.add_argument("--strategies", nargs="+", metavar="NAME[:RULE]",
                     help="strategies to compare with random, e.g. uncertainty "
                     "qbc:top (default: every registered one)")
    sim.add_argument("--budget", type=_positive_int,
                     help="labels at the end (default initial + 10 batches)")
    sim.add_argument("--initial-size", type=_positive_int, default=20,
                     help="random labels to start from (default 20)")
    sim.add_argument("--batch-size", type=_positive_int, default=20,
                     help="labels per round (default 20)")
    sim.add_argument("--repeats", type=_positive_int, default=3,
                     help="independent splits (default 3)")
    sim.add_argument("--test-size", type=_share, default=0.25,
                     help="share of rows held out (default 0.25)")
    sim.add_argument("--out", default=None,
                     help="new directory for summary.csv, curves.csv, curves.png "
                     "(default: skactive-simulation, or skactive-simulation-2, ...)")
    sim.add_argument("--n-jobs", type=int, default=None)
    sim.add_argument("--random-state", type=int, default=0)
    sim.set_defaults(handler=_simulate)


def build_parser():
    """The argument parser of the ``skactive`` command."""
    parser = argparse.ArgumentParser(
        prog="skactive", description="Active learning for regression."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_demo_parser(commands)
    _add_simulate_parser(commands)
    from ._label_cli import add_parser as add_label_parser

    add_label_parser(commands)
    return parser


def main(argv=None):
    """Run the ``skactive`` command; return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (CommandError, ValueError, TypeError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"skactive {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
