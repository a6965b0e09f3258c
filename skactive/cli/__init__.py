"""The ``skactive`` command line.

One module per command (:mod:`~skactive.cli.demo`,
:mod:`~skactive.cli.simulate`, :mod:`~skactive.cli.label`), each with an
``add_parser(subparsers)`` that registers its subcommand and sets ``run`` as
its handler; a handler returns an exit status. Input problems raise
:class:`CommandError` (or ``ValueError``), which :func:`main` prints as one
line on stderr with exit status 2.
"""

import argparse
import sys

from ._errors import CommandError

__all__ = ["CommandError", "build_parser", "main"]


def build_parser():
    """The argument parser of the ``skactive`` command."""
    from . import demo, label, simulate

    parser = argparse.ArgumentParser(
        prog="skactive", description="Active learning for regression."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for command in (demo, simulate, label):
        command.add_parser(commands)
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
