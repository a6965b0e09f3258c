"""The skactive command line: demo and simulate."""

import numpy as np
import pandas as pd
import pytest

from skactive.cli import build_parser, main


@pytest.fixture
def table(tmp_path):
    """A CSV with numeric and text columns, missing inputs and missing targets."""
    rng = np.random.RandomState(0)
    n = 200
    frame = pd.DataFrame({
        "size": rng.uniform(1, 10, n),
        "rooms": rng.randint(1, 6, n).astype(float),
        "city": rng.choice(["north", "south", "east"], n),
    })
    frame["price"] = 3 * frame["size"] + frame["city"].map(
        {"north": 5, "south": 0, "east": 2}) + rng.normal(size=n)
    frame.loc[::9, "rooms"] = np.nan
    frame.loc[::13, "city"] = None
    frame.loc[[5, 50], "price"] = np.nan
    path = tmp_path / "houses.csv"
    frame.to_csv(path, index=False)
    return path


def run(argv, capsys):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_simulate_writes_table_curves_and_png(table, tmp_path, capsys):
    out = tmp_path / "out"
    status, stdout, err = run(
        ["simulate", table, "--target", "price", "--strategies", "uncertainty",
         "--budget", "40", "--initial-size", "10", "--batch-size", "10",
         "--repeats", "1", "--out", out], capsys)
    assert status == 0, err
    assert "Left out 2 rows" in stdout
    assert "rmse_ratio" in stdout and "uncertainty" in stdout
    summary = pd.read_csv(out / "summary.csv", index_col="strategy")
    assert list(summary.index) == ["random", "uncertainty"]
    assert {"rmse_ratio", "headroom", "verdict"} <= set(summary.columns)
    curves = pd.read_csv(out / "curves.csv")
    assert sorted(curves["n_labels"].unique()) == [10, 20, 30, 40]
    assert (out / "curves.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.csv", "--target", "price"], "no such file"),
        (["{table}", "--target", "cost"], "column 'cost' is not in"),
        (["{table}", "--target", "city"], "must be numeric"),
        (["{table}", "--target", "price", "--budget", "5000"], "exceeds the pool"),
        (["{table}", "--target", "price", "--budget", "5", "--initial-size", "10"],
         "smaller than --initial-size"),
        (["{table}", "--target", "price", "--strategies", "magic"],
         "unknown strategy 'magic'"),
        (["{table}", "--target", "price", "--strategies", "uncertainty:sideways"],
         "unknown batch rule 'sideways'"),
        (["{empty}", "--target", "price"], "cannot read"),
        (["{binary}", "--target", "price"], "cannot read"),
        (["{only_target}", "--target", "price"], "no column besides the target"),
    ],
)
def test_bad_input_gets_one_line_and_status_2(args, message, table, tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage\x00\n\x01\x02")
    only_target = tmp_path / "only.csv"
    only_target.write_text("price\n1\n2\n")
    args = [a.format(table=table, empty=empty, binary=binary, only_target=only_target)
            for a in args]
    status, _, err = run(["simulate", *args, "--out", tmp_path / "out"], capsys)
    assert status == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("skactive simulate: error:")
    assert message in lines[0]


@pytest.mark.parametrize("flag", ["--budget", "--repeats", "--batch-size"])
def test_bad_numbers_are_argparse_errors(flag, table, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", str(table), "--target", "price", flag, "zero"])
    assert exit_info.value.code == 2
    assert "expected a positive integer" in capsys.readouterr().err


def test_subcommands_register_through_one_function():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"demo", "simulate"} <= set(commands)


def test_demo_runs_every_registered_strategy_and_batch_rule():
    from skactive._demo import registered_strategies
    from skactive.strategies._registry import BATCH_SELECTIONS, strategy_kinds

    settings = registered_strategies()
    assert settings["random"] == {"strategy": "random"}
    pairs = {(p["strategy"], p.get("batch_selection")) for p in settings.values()}
    rules = sorted(set(BATCH_SELECTIONS) & {"top", "diverse"})
    for name, kind in strategy_kinds().items():
        if name == "random":
            continue
        if kind == "batch":  # chooses its own batch: runs once, with no rule
            assert (name, None) in pairs
            assert not any((name, rule) in pairs for rule in BATCH_SELECTIONS)
        else:
            for rule in rules:
                assert (name, rule) in pairs


def test_a_batch_rule_for_a_batch_strategy_is_a_command_error():
    from skactive._demo import CommandError, parse_strategies

    with pytest.raises(CommandError, match="chooses its own batch"):
        parse_strategies(["lcmd:diverse"])
    assert parse_strategies(["uncertainty:diverse"])["uncertainty-diverse"] == {
        "strategy": "uncertainty",
        "batch_selection": "diverse",
    }


def test_demo_writes_a_table_and_a_png(tmp_path, capsys, monkeypatch):
    # two strategies keep the test fast; the full list is checked above
    import skactive._demo as demo

    monkeypatch.setattr(demo, "registered_strategies", lambda: {
        "random": {"strategy": "random"}, "uncertainty": {"strategy": "uncertainty"}})
    status, stdout, err = run(["demo", "--repeats", "1", "--n-jobs", "1", "--out", tmp_path],
                                capsys)
    assert status == 0, err
    assert "random" in stdout and "uncertainty" in stdout and "220" in stdout
    assert "rmse_ratio" in stdout and "Active learning" in stdout
    summary = pd.read_csv(tmp_path / "summary.csv", index_col="strategy")
    assert list(summary.index) == ["random", "uncertainty"]
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
