"""``skactive demo``: the default strategy against random on built-in data."""

from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor

from .._regressor import ActiveLearningRegressor
from ..strategies import registered_strategies
from ._common import Plan, output_folder, positive_int, simulate_and_report


def add_parser(commands):
    """Register the ``demo`` subcommand on an argparse subparsers object."""
    demo = commands.add_parser(
        "demo",
        help="the default strategy against random on built-in data: a table and a PNG",
        description="The default strategy (lcmd) and top-k uncertainty against "
        "random sampling on Friedman #1, 5 repeats, under a minute. Writes "
        "summary.csv, curves.csv and curves.png (with the plot extra) into a "
        "new folder.",
    )
    demo.add_argument(
        "--repeats",
        dest="n_repeats",
        type=positive_int,
        default=5,
        help="repeats (default 5; fewer than 3 cannot tell)",
    )
    demo.add_argument(
        "--all-strategies",
        action="store_true",
        help="every registered strategy and batch rule (minutes)",
    )
    demo.add_argument("--random-state", type=int, default=0)
    # One process by default: measured on two shared cores, 26 s against
    # 43-48 s with two worker processes (their start-up and the contention).
    demo.add_argument(
        "--n-jobs",
        type=int,
        default=1,
        help="parallel runs (default 1; try 2 or more on an idle machine)",
    )
    demo.add_argument(
        "--out",
        default=None,
        help="new directory for summary.csv, curves.csv, curves.png "
        "(default: skactive-demo, or skactive-demo-2, ... if taken)",
    )
    demo.set_defaults(handler=run)


def run(args):
    """Entry point of ``skactive demo``; returns the exit status."""
    result = run_demo(
        out=args.out, all_strategies=args.all_strategies, **Plan.options(args)
    )
    return 1 if result.failures else 0


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
    X, y = make_friedman1(n_samples=2000, noise=1.0, random_state=random_state)
    # 30 trees: fitting trees is most of the demo's time, and 30 give the
    # spread the strategies need on 220 labels.
    learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=30))
    settings = registered_strategies() if all_strategies else DEMO_STRATEGIES
    # 8 rounds of 25 rather than 10 of 20: the same budget, two fewer
    # refits per run, and the demo stays under 45 s on two busy cores.
    plan = Plan(220, 20, 25, n_repeats, n_jobs=n_jobs, random_state=random_state)
    return simulate_and_report(
        X,
        y,
        learner,
        settings,
        plan,
        out=out,
        header=(
            f"Friedman #1 (2,000 rows), random forest; {len(settings)} strategies "
            f"({', '.join(settings)}) x {n_repeats} repeats, 20 initial labels + 8 "
            "rounds of 25; the test set is never in the pool.\n"
        ),
        title="skactive demo: Friedman #1, random forest",
    )
