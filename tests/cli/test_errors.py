"""Tests of skactive/cli/_errors.py: the error every command raises for bad input."""

import pytest

from skactive.cli import CommandError, main
from skactive.cli import simulate as simulate_command


def test_command_error_is_a_value_error():
    assert issubclass(CommandError, ValueError)
    with pytest.raises(ValueError, match="bad input"):
        raise CommandError("bad input")


def test_command_error_is_one_line_on_stderr_and_status_2(monkeypatch, capsys):
    def fails(args):
        raise CommandError("the file   has\nno rows")

    monkeypatch.setattr(simulate_command, "run", fails)
    assert main(["simulate", "any.csv", "--target", "y"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "skactive simulate: error: the file has no rows\n"
