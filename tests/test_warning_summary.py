"""One warning per cause: the runs' warnings summarised."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, simulate
from skactive._warning_summary import summarize_warnings


def test_warnings_are_summarised_one_per_cause():
    rng = np.random.RandomState(0)
    n = 300
    X = pd.DataFrame(
        {"a": rng.normal(size=n), "b": np.where(rng.rand(n) < 0.97, np.nan, 1.0)}
    )
    y = X["a"].to_numpy() + rng.normal(size=n)
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    learner = ActiveLearningRegressor(
        make_pipeline(SimpleImputer(), RandomForestRegressor(n_estimators=5))
    )
    with pytest.warns(UserWarning) as record:
        result = simulate(
            learner,
            X,
            y,
            strategies=("random", "uncertainty"),
            budget=50,
            initial_size=10,
            batch_size=10,
            n_repeats=3,
            random_state=0,
        )
    skipped = [w for w in record if "no observed value" in str(w.message)]
    assert len(skipped) == 1
    assert str(skipped[0].message).endswith("1 of 2 columns): b")
    assert result.warnings[0]["count"] > 3


def test_one_cause_per_message_up_to_numbers_most_frequent_first():
    caught = [
        (UserWarning, "Fit 1 took 2.5 s"),
        (RuntimeWarning, "overflow in exp"),
        (UserWarning, "Fit 2 took 3.25 s\nsecond line"),
        (UserWarning, "Fit 1 took 2.5 s"),
    ]
    causes = summarize_warnings(caught)
    assert [cause["count"] for cause in causes] == [3, 1]
    first = causes[0]
    assert first["category"] is UserWarning
    assert first["message"] == "Fit 1 took 2.5 s"
    assert first["messages"] == ["Fit 1 took 2.5 s", "Fit 2 took 3.25 s\nsecond line"]
    assert first["summary"] == "UserWarning (3 times): Fit 1 took 2.5 s"
    assert causes[1]["summary"] == "RuntimeWarning (once): overflow in exp"


def test_skipped_imputer_columns_are_named_and_long_texts_cut():
    skipped = "Skipping features without any observed values: [{}]. At least one"
    caught = [
        (UserWarning, skipped.format("'b' 'c'")),
        (UserWarning, skipped.format("'c' 'd'")),
        (UserWarning, "x" * 400),
    ]
    causes = summarize_warnings(caught, n_columns=5)
    assert causes[0]["summary"] == (
        "Columns with no observed value among the labeled rows were left out of "
        "those fits by the imputer (2 fits; 3 of 5 columns): b, c, d"
    )
    assert causes[1]["summary"].endswith("x...")
    assert len(causes[1]["summary"]) == len("UserWarning (once): ") + 300
