"""skactive simulate: strategies against random on a CSV."""

import numpy as np
import pandas as pd
import pytest


def test_simulate_writes_table_curves_and_png(run, table, tmp_path):
    out = tmp_path / "out"
    status, stdout, err = run(
        [
            "simulate",
            table,
            "--target",
            "price",
            "--strategies",
            "uncertainty",
            "--budget",
            "40",
            "--initial-size",
            "10",
            "--batch-size",
            "10",
            "--repeats",
            "1",
            "--out",
            out,
        ]
    )
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
        (
            ["{table}", "--target", "price", "--budget", "5", "--initial-size", "10"],
            "--budget 5 is smaller than the initial set of 10",
        ),
        (
            ["{table}", "--target", "price", "--strategies", "magic"],
            "unknown strategy 'magic'",
        ),
        (
            ["{table}", "--target", "price", "--strategies", "uncertainty:sideways"],
            "unknown batch rule 'sideways'",
        ),
        (["{empty}", "--target", "price"], "cannot read"),
        (["{binary}", "--target", "price"], "cannot read"),
        (["{only_target}", "--target", "price"], "no column besides the target"),
        (["{latin1}", "--target", "price"], "latin1.csv"),
        (
            ["{twenty}", "--target", "price", "--strategies", "lcmd"],
            "has only 20 labeled rows; the initial set needs 20",
        ),
        (["{one}", "--target", "price"], "has only 1 labeled row; the initial set"),
    ],
)
def test_bad_input_gets_one_line_and_status_2(run, args, message, table, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage\x00\n\x01\x02")
    only_target = tmp_path / "only.csv"
    only_target.write_text("price\n1\n2\n")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("city,price\nS\xe3o Paulo,1\nZ\xfcrich,2\n".encode("latin-1"))
    frame = pd.read_csv(table)
    twenty = tmp_path / "twenty.csv"
    frame.dropna(subset=["price"]).head(20).to_csv(twenty, index=False)
    one = tmp_path / "one.csv"
    frame.head(1).to_csv(one, index=False)
    args = [
        a.format(
            table=table,
            empty=empty,
            binary=binary,
            only_target=only_target,
            latin1=latin1,
            twenty=twenty,
            one=one,
        )
        for a in args
    ]
    status, _, err = run(["simulate", *args, "--out", tmp_path / "out"])
    assert status == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("skactive simulate: error:")
    assert message in lines[0]
    assert "--budget" not in lines[0] or "--budget" in args


def test_a_batch_rule_for_a_batch_strategy_is_a_command_error():
    from skactive.cli import CommandError
    from skactive.cli.simulate import parse_strategies

    with pytest.raises(CommandError, match="chooses its own batch"):
        parse_strategies(["lcmd:diverse"])
    assert parse_strategies(["uncertainty:diverse"])["uncertainty-diverse"] == {
        "strategy": "uncertainty",
        "batch_selection": "diverse",
    }


def test_without_matplotlib_the_cli_says_so_before_the_run(
    run, table, tmp_path, monkeypatch
):
    import skactive.cli._common as common

    monkeypatch.setattr(common, "has_matplotlib", lambda: False)
    status, stdout, err = run(
        [
            "simulate",
            table,
            "--target",
            "price",
            "--strategies",
            "uncertainty",
            "--budget",
            "30",
            "--initial-size",
            "10",
            "--batch-size",
            "10",
            "--repeats",
            "1",
            "--out",
            tmp_path / "out",
        ]
    )
    assert status == 0, err
    assert stdout.index("No PNG: matplotlib is missing") < stdout.index("Test RMSE")
    assert not (tmp_path / "out" / "curves.png").exists()
    assert (tmp_path / "out" / "summary.csv").exists()


def test_simulate_prints_one_line_per_warning_cause(run, tmp_path):
    rng = np.random.RandomState(0)
    n = 200
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "mostly_empty": np.where(rng.rand(n) < 0.97, np.nan, 1.0),
            "target": rng.normal(size=n),
        }
    )
    path = tmp_path / "sparse.csv"
    frame.to_csv(path, index=False)
    status, stdout, err = run(
        [
            "simulate",
            path,
            "--target",
            "target",
            "--strategies",
            "uncertainty",
            "--budget",
            "60",
            "--initial-size",
            "10",
            "--batch-size",
            "10",
            "--repeats",
            "3",
            "--out",
            tmp_path / "out",
        ]
    )
    assert status == 0, err
    warning_lines = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warning_lines) == 1
    assert "no observed value" in warning_lines[0]
    assert warning_lines[0].endswith("columns): mostly_empty")
    assert "Skipping features" not in stdout + err


def test_a_failed_repeat_writes_the_finished_ones(run, table, tmp_path, monkeypatch):
    import skactive.simulation as simulation

    original, calls = simulation._one_run, []

    def flaky(*args, **kwargs):
        calls.append(args[9])
        if args[9] == 1:  # every run of repeat 1
            raise RuntimeError("disk on fire")
        return original(*args, **kwargs)

    monkeypatch.setattr(simulation, "_one_run", flaky)
    out = tmp_path / "out"
    status, stdout, err = run(
        [
            "simulate",
            table,
            "--target",
            "price",
            "--strategies",
            "uncertainty",
            "--budget",
            "30",
            "--initial-size",
            "10",
            "--batch-size",
            "10",
            "--repeats",
            "3",
            "--n-jobs",
            "1",
            "--out",
            out,
        ]
    )
    assert status == 1
    assert "repeat 1 failed" in err and "disk on fire" in err
    assert "Returning the 1 finished repeat (0)" in err
    curves = pd.read_csv(out / "curves.csv")
    assert curves["repeat"].unique().tolist() == [0]
