"""The ``skactive`` command line."""

import argparse
import sys


def _demo(args):
    from ._demo import run_demo

    run_demo(n_repeats=args.repeats, random_state=args.random_state)
    return 0


def build_parser():
    """The argument parser of the ``skactive`` command."""
    parser = argparse.ArgumentParser(
        prog="skactive", description="Active learning for regression."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="honest active-learning run on built-in data"
    )
    demo.add_argument("--repeats", type=int, default=3, help="repeats (default 3)")
    demo.add_argument("--random-state", type=int, default=0)
    demo.set_defaults(handler=_demo)
    from ._label_cli import add_parser as add_label_parser

    add_label_parser(commands)
    return parser


def main(argv=None):
    """Run the ``skactive`` command; return its exit status."""
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
