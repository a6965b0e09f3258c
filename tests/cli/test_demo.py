"""skactive demo: the default strategy against random on built-in data."""

import pandas as pd

from skactive.cli import build_parser


def test_demo_writes_a_table_and_a_png_into_a_fresh_folder(run, tmp_path, monkeypatch):
    # two strategies keep the test fast
    import skactive.cli.demo as demo

    monkeypatch.setattr(
        demo,
        "DEMO_STRATEGIES",
        {"random": {"strategy": "random"}, "uncertainty": {"strategy": "uncertainty"}},
    )
    monkeypatch.chdir(tmp_path)
    status, stdout, err = run(["demo", "--repeats", "1", "--n-jobs", "1"])
    assert status == 0, err
    assert "random" in stdout and "uncertainty" in stdout and "220" in stdout
    assert "rmse_ratio" in stdout and "Not enough repeats to tell" in stdout
    # progress on stderr although it is not a terminal
    assert "simulate: 3/3 runs done" in err  # 2 strategies + the whole-pool model
    out = tmp_path / "skactive-demo"
    summary = pd.read_csv(out / "summary.csv", index_col="strategy")
    assert list(summary.index) == ["random", "uncertainty"]
    assert (out / "curves.png").read_bytes()[:4] == b"\x89PNG"
    # a second run never overwrites the first
    status, stdout, err = run(["demo", "--repeats", "1", "--n-jobs", "1"])
    assert status == 0, err
    assert (tmp_path / "skactive-demo-2" / "curves.png").exists()
    # an explicit --out that holds results is refused before any run
    status, stdout, err = run(["demo", "--out", out])
    assert status == 2 and "already holds summary.csv" in err
    assert "simulate:" not in err


def test_demo_defaults_are_the_default_strategy_and_enough_repeats():
    import skactive.cli.demo as demo

    args = build_parser().parse_args(["demo"])
    assert args.n_repeats >= 3
    assert demo.DEMO_STRATEGIES["lcmd"] == {"strategy": "lcmd"}
    assert "random" in demo.DEMO_STRATEGIES
