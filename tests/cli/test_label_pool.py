"""Tests of skactive/cli/_label_pool.py: the pool CSV of the label command."""

import re

import pandas as pd
import pytest
from label_helpers import (
    answers_file,
    label_args,
)

from skactive.cli import main


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda f: f.assign(
                price=f["price"].astype(object).where(f.index != 1, "cheap")
            ),
            "non-numeric values in rows \\[1\\]",
        ),
        (lambda f: f.drop(columns="price"), "has no column 'price'"),
        (lambda f: f.assign(price=1.0), "nothing to label"),
    ],
)
def test_bad_pool_csv(pool_csv, tmp_path, capsys, edit, message):
    edit(pd.read_csv(pool_csv)).to_csv(pool_csv, index=False)
    code = main(
        [
            "label",
            str(pool_csv),
            "--target",
            "price",
            "--session",
            str(tmp_path / "s.db"),
            "--export",
            str(tmp_path / "n.csv"),
        ]
    )
    assert code == 1
    assert re.search(message, capsys.readouterr().err)
    assert not (tmp_path / "s.db").exists()


def test_resaved_numbers_reopen(pool_csv, tmp_path, capsys):
    session = tmp_path / "s.db"
    good = answers_file(pool_csv, tmp_path / "a.csv", [(20, 20, "5")])
    assert main(label_args(pool_csv, session, "--import", str(good))) == 0
    text = pool_csv.read_text()
    frame = pd.read_csv(pool_csv)
    frame["rooms"] = frame["rooms"].astype(float)  # 2 re-saved as 2.0
    frame.to_csv(pool_csv, index=False)
    assert pool_csv.read_text() != text and ",2.0," in pool_csv.read_text()
    out = tmp_path / "l.csv"
    assert main(label_args(pool_csv, session, "--write-labeled", str(out))) == 0
    assert pd.read_csv(out).loc[20, "price"] == 5.0
