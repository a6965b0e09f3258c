"""The skactive command: one parser, commands registered by their modules."""

import importlib

import pytest

from skactive.cli import build_parser, main


def test_subcommands_register_through_one_function():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) == {"demo", "simulate", "label"}
    for name in commands:
        module = importlib.import_module(f"skactive.cli.{name}")
        assert commands[name].get_default("handler") is module.run


@pytest.mark.parametrize("flag", ["--budget", "--repeats", "--batch-size"])
def test_bad_numbers_are_argparse_errors(flag, table, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", str(table), "--target", "price", flag, "zero"])
    assert exit_info.value.code == 2
    assert "expected a positive integer" in capsys.readouterr().err
