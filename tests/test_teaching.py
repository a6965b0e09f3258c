"""Teaching a fitted learner: refit now, refit later, or through partial_fit
(``skactive/_teaching.py`` and the learner's ``teach`` methods)."""

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_friedman1
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge, SGDRegressor
from sklearn.pipeline import make_pipeline

from skactive import ActiveLearningRegressor
from skactive._teaching import can_teach_incrementally


@pytest.fixture(scope="module")
def data():
    return make_friedman1(n_samples=200, random_state=0)


def sgd_learner(X, y, **params):
    return ActiveLearningRegressor(
        SGDRegressor(random_state=0), strategy="random", random_state=0, **params
    ).fit(X, y)


def test_teach_incremental_is_partial_fit_on_the_new_rows(data):
    X, y = data
    learner = sgd_learner(X[:50], y[:50])
    reference = copy.deepcopy(learner.estimator_).partial_fit(X[50:60], y[50:60])
    before = learner.estimator_
    learner.teach_incremental(X[50:60], y[50:60], random_state=0)
    np.testing.assert_array_equal(learner.estimator_.coef_, reference.coef_)
    assert learner.estimator_ is not before  # an updated copy was swapped in
    assert learner.n_labeled_ == 60
    np.testing.assert_array_equal(learner.y_labeled_, y[:60])


def test_teach_incremental_resamples_the_committee_from_random_state(data):
    X, y = data
    learners = [sgd_learner(X[:50], y[:50], committee=3) for _ in range(2)]
    for learner in learners:
        learner.teach_incremental(X[50:70], y[50:70], random_state=1)
    for a, b in zip(learners[0].committee_, learners[1].committee_):
        np.testing.assert_array_equal(a.coef_, b.coef_)
    assert learners[0].n_labeled_ == 70


def test_teach_incremental_refuses_a_model_without_partial_fit(data):
    X, y = data
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0), random_state=0
    ).fit(X[:50], y[:50])
    assert not can_teach_incrementally(learner)
    with pytest.raises(ValueError, match="partial_fit"):
        learner.teach_incremental(X[50:55], y[50:55])
    assert learner.n_labeled_ == 50


def test_per_row_fit_parameters_rule_out_partial_fit(data):
    X, y = data
    learner = ActiveLearningRegressor(
        SGDRegressor(random_state=0), strategy="random", random_state=0
    ).fit(X[:50], y[:50], sample_weight=np.ones(50))
    assert not can_teach_incrementally(learner)


def test_teach_incremental_of_zero_rows_changes_nothing(data):
    X, y = data
    learner = sgd_learner(X[:50], y[:50])
    model = learner.estimator_
    learner.teach_incremental(X[:0], y[:0])
    assert learner.estimator_ is model and learner.n_labeled_ == 50


def test_teach_without_refit_stores_rows_and_waits(data):
    X, y = data
    learner = sgd_learner(X[:50], y[:50])
    model = learner.estimator_
    learner.teach(X[50:55], y[50:55], refit=False)
    assert learner.estimator_ is model and learner.n_awaiting_refit_ == 5
    learner.teach(X[:0], y[:0])
    assert learner.estimator_ is not model and learner.n_awaiting_refit_ == 0
    assert learner.n_labeled_ == 55


def _snapshot(learner):
    return (
        learner.n_labeled_,
        learner.n_awaiting_refit_,
        len(learner.history_),
        np.asarray(learner.y_labeled_).copy(),
        learner.estimator_,
        learner.committee_,
    )


def _assert_unchanged(learner, snapshot):
    now = _snapshot(learner)
    assert now[:3] == snapshot[:3]
    np.testing.assert_array_equal(now[3], snapshot[3])
    assert now[4] is snapshot[4] and now[5] is snapshot[5]


def test_teach_refuses_sample_weight_of_the_wrong_length(friedman):

    X, y = friedman
    learner = ActiveLearningRegressor(Ridge(), strategy="random").fit(
        X[:20], y[:20], sample_weight=np.ones(20)
    )
    before = _snapshot(learner)
    with pytest.raises(ValueError, match="sample_weight has 3 values for the 2 rows"):
        learner.teach(X[20:22], y[20:22], sample_weight=[5, 5, 5])
    _assert_unchanged(learner, before)
    learner.teach(X[20:22], y[20:22], sample_weight=[5, 5])
    np.testing.assert_array_equal(learner._fit_params["sample_weight"][-2:], [5, 5])


def test_teach_zero_rows_through_a_pipeline_is_a_no_op():

    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.uniform(size=(60, 3)), columns=["a", "b", "c"])
    target = frame.sum(axis=1).to_numpy()
    learner = ActiveLearningRegressor(
        make_pipeline(SimpleImputer(), RandomForestRegressor(n_estimators=5)),
        random_state=0,
    ).fit(frame[:30], target[:30])
    before = _snapshot(learner)
    assert learner.teach(frame[:0], target[:0]) is learner
    _assert_unchanged(learner, before)
    with pytest.raises(ValueError, match="2 features, but the learner was fit on 3"):
        learner.teach(frame.iloc[:0, :2], target[:0])


def test_teach_without_refit_stores_labels_and_a_later_teach_refits(friedman):
    X, y = friedman
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5), random_state=0
    ).fit(X[:20], y[:20])
    model = learner.estimator_
    learner.teach(X[20:25], y[20:25], refit=False)
    assert learner.n_labeled_ == 25 and learner.n_awaiting_refit_ == 5
    assert learner.estimator_ is model
    learner.teach(X[:0], y[:0])  # refit on everything, nothing new
    assert learner.n_labeled_ == 25 and learner.n_awaiting_refit_ == 0
    assert learner.estimator_ is not model
    refit = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5), random_state=0
    ).fit(X[:25], y[:25])
    np.testing.assert_allclose(learner.predict(X[100:110]), refit.predict(X[100:110]))


def test_teach_without_refit_refuses_rows_the_model_cannot_take(friedman):
    X, y = friedman
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5), random_state=0
    ).fit(X[:20], y[:20])
    before = _snapshot(learner)
    with pytest.raises(ValueError, match="features"):
        learner.teach(X[20:22, :4], y[20:22], refit=False)
    _assert_unchanged(learner, before)
