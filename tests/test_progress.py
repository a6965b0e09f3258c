"""The progress of a simulation's runs on stderr."""

import sys

from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, simulate
from skactive._progress import Progress


def learner():
    return ActiveLearningRegressor(RandomForestRegressor(n_estimators=10))


def test_progress_goes_to_stderr(friedman, capsys):
    X, y = friedman
    kwargs = dict(
        budget=20, initial_size=10, batch_size=10, n_repeats=1, random_state=0
    )
    simulate(learner(), X, y, progress=False, **kwargs)
    assert capsys.readouterr().err == ""
    simulate(learner(), X, y, progress=True, **kwargs)
    err = capsys.readouterr().err
    assert "simulate" in err and "3/3" in err


def test_progress_without_tqdm(friedman, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = friedman
    simulate(
        learner(),
        X,
        y,
        budget=20,
        initial_size=10,
        batch_size=10,
        n_repeats=1,
        random_state=0,
        progress=True,
    )
    assert "simulate: 3/3 runs done" in capsys.readouterr().err


def test_plain_lines_at_every_tenth_outside_a_terminal(capsys):
    with Progress(20, True) as bar:
        for _ in range(20):
            bar.update()
    lines = capsys.readouterr().err.splitlines()
    # the start, then every second run (a tenth of 20)
    assert [line.split(" runs")[0] for line in lines] == [
        f"simulate: {done}/20" for done in range(0, 21, 2)
    ]


def test_off_by_default_below_eight_runs_or_outside_a_terminal(capsys):
    for total in (4, 40):  # stderr is captured, not a terminal
        with Progress(total, None) as bar:
            bar.update()
    assert capsys.readouterr().err == ""
