"""Fixtures of the command-line tests: a CSV, a runner and the label command's pool."""

import numpy as np
import pandas as pd
import pytest

from skactive.cli import main


@pytest.fixture
def table(tmp_path):
    """A CSV with numeric and text columns, missing inputs and missing targets."""
    rng = np.random.RandomState(0)
    n = 200
    frame = pd.DataFrame(
        {
            "size": rng.uniform(1, 10, n),
            "rooms": rng.randint(1, 6, n).astype(float),
            "city": rng.choice(["north", "south", "east"], n),
        }
    )
    frame["price"] = (
        3 * frame["size"]
        + frame["city"].map({"north": 5, "south": 0, "east": 2})
        + rng.normal(size=n)
    )
    frame.loc[::9, "rooms"] = np.nan
    frame.loc[::13, "city"] = None
    frame.loc[[5, 50], "price"] = np.nan
    path = tmp_path / "houses.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def run(capsys):
    """``run(argv) -> (status, stdout, stderr)`` of the ``skactive`` command."""

    def run(argv):
        status = main([str(a) for a in argv])
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


@pytest.fixture
def pool_csv(tmp_path):
    """60 houses: numbers, a category, missing inputs; 8 priced, 52 to label."""
    rng = np.random.RandomState(0)
    n = 60
    frame = pd.DataFrame(
        {
            "sqft": rng.uniform(50, 200, n).round(1),
            "rooms": rng.randint(1, 6, n),
            "district": rng.choice(["north", "south", "east"], n),
        }
    )
    frame.loc[3, "sqft"] = np.nan
    frame.loc[5, "district"] = np.nan
    frame["price"] = (frame["sqft"].fillna(100) * 2 + frame["rooms"] * 10).round(1)
    frame.loc[8:, "price"] = np.nan
    path = tmp_path / "pool.csv"
    frame.to_csv(path, index=False)
    return path
