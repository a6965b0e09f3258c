"""Tests of skactive/cli/_common.py: option parsing, the default pipeline, output folders."""

import argparse

import numpy as np
import pytest

from skactive.cli import CommandError
from skactive.cli._common import (
    Plan,
    default_pipeline,
    output_folder,
    positive_int,
    share,
)
from skactive.cli.label import _Pool


def test_default_pipeline_handles_categories_and_missing(pool_csv):
    pool = _Pool(pool_csv, "price")
    model = default_pipeline(oob_score=True).fit(pool.X_labeled, pool.y_labeled)
    predictions = model.predict(pool.X_pool)
    assert predictions.shape == (52,) and np.isfinite(predictions).all()


def test_positive_int_and_share_accept_only_their_range():
    assert positive_int("3") == 3 and share("0.25") == 0.25
    for text, parse in [("0", positive_int), ("1.5", positive_int), ("1", share)]:
        with pytest.raises(argparse.ArgumentTypeError, match="expected"):
            parse(text)
    with pytest.raises(argparse.ArgumentTypeError, match="got 'abc'"):
        share("abc")


def test_output_folder_never_reuses_an_earlier_run(tmp_path):
    default = tmp_path / "results"
    assert output_folder(None, default) == default
    default.mkdir()
    (tmp_path / "results-2").mkdir()
    assert output_folder(None, default) == tmp_path / "results-3"
    assert output_folder(default, "unused") == default  # empty: fine
    (default / "curves.csv").write_text("old")
    with pytest.raises(CommandError, match="already holds curves.csv"):
        output_folder(default, "unused")


def test_plan_options_picks_its_fields_from_parsed_arguments():
    args = argparse.Namespace(budget=50, batch_size=5, target="price")
    assert Plan.options(args) == {"budget": 50, "batch_size": 5}
