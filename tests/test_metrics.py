"""Tests of skactive/_metrics.py: the error metric and the out-of-bag estimate."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skactive import ActiveLearningRegressor
from skactive._metrics import errors, estimate_error


def test_errors_are_rmse_and_mae_as_floats():
    rng = np.random.RandomState(0)
    y_true, y_pred = rng.normal(size=50), rng.normal(size=50)
    rmse, mae = errors(list(y_true), y_pred)
    assert type(rmse) is float and type(mae) is float
    assert rmse == pytest.approx(np.sqrt(mean_squared_error(y_true, y_pred)))
    assert mae == pytest.approx(mean_absolute_error(y_true, y_pred))
    assert errors(y_true, y_true) == (0.0, 0.0)


@pytest.mark.parametrize("in_pipeline", [False, True])
def test_estimate_error_is_the_forests_out_of_bag_rmse(split, in_pipeline):
    X0, y0, _, _, _, _ = split
    forest = RandomForestRegressor(n_estimators=30, oob_score=True, random_state=0)
    model = make_pipeline(StandardScaler(), forest) if in_pipeline else forest
    alr = ActiveLearningRegressor(model, random_state=0).fit(X0, y0)
    fitted = alr.estimator_[-1] if in_pipeline else alr.estimator_
    predicted = fitted.oob_prediction_
    keep = np.isfinite(predicted)
    rmse, how = estimate_error(alr)
    assert how == "out-of-bag RMSE"
    assert rmse == pytest.approx(
        np.sqrt(np.mean((predicted[keep] - alr.y_labeled_[keep]) ** 2))
    )


def test_no_estimate_without_enough_labels_or_an_out_of_bag_forest(split):
    X0, y0, _, _, _, _ = split
    assert estimate_error(None) == (None, None)
    assert estimate_error(ActiveLearningRegressor()) == (None, None)  # unfitted
    forest = RandomForestRegressor(n_estimators=10, oob_score=True, random_state=0)
    few = ActiveLearningRegressor(forest, random_state=0).fit(X0[:4], y0[:4])
    assert estimate_error(few) == (None, None)
    linear = ActiveLearningRegressor(LinearRegression()).fit(X0, y0)
    assert estimate_error(linear) == (None, None)
