"""Tests of skactive/web/_columns.py: which columns a person sees first."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression

from skactive import ActiveLearningRegressor
from skactive.cli._common import default_pipeline
from skactive.web._columns import _input_column, column_importances, column_order


def test_columns_ordered_by_importance_through_the_pipeline():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(
        {
            "noise": rng.normal(size=80),
            "district": rng.choice(["a", "b"], 80),
            "sqft": rng.uniform(50, 200, 80),
        }
    )
    y = X["sqft"] * 1000 + rng.normal(size=80)
    learner = ActiveLearningRegressor(
        default_pipeline(oob_score=True, random_state=0)
    ).fit(X, y)
    assert column_order(learner, list(X.columns))[0] == "sqft"
    unfitted = ActiveLearningRegressor(default_pipeline(oob_score=True, random_state=0))
    assert column_order(unfitted, list(X.columns)) == list(X.columns)


def test_input_column_is_the_longest_name_a_feature_comes_from():
    columns = ["area", "district", "district_code"]
    assert _input_column("num__area", columns) == "area"
    assert _input_column("cat__district_north", columns) == "district"
    assert _input_column("cat__district_code_7", columns) == "district_code"
    assert _input_column("other__price", columns) is None


def test_importances_without_a_pipeline_follow_the_columns():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 3))
    y = 5 * X[:, 2] + 0.01 * rng.normal(size=60)
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=10, random_state=0), random_state=0
    ).fit(X, y)
    importances = column_importances(learner, ["a", "b", "c"])
    assert set(importances) == {"a", "b", "c"}
    assert importances["c"] == max(importances.values())
    assert sum(importances.values()) == pytest.approx(1.0)
    assert column_order(learner, ["a", "b", "c"])[0] == "c"
    # Columns that do not match the model's features: no importances, file order.
    assert column_importances(learner, ["a", "b"]) is None
    assert column_order(learner, ["b", "a"]) == ["b", "a"]


def test_a_model_without_importances_keeps_the_file_order():
    X = np.arange(40.0).reshape(20, 2)
    learner = ActiveLearningRegressor(LinearRegression(), random_state=0).fit(
        X, X.sum(axis=1)
    )
    assert column_importances(learner, ["x", "y"]) is None
    assert column_order(learner, ["y", "x"]) == ["y", "x"]
