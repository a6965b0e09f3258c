"""Gradient boosting as a first-class learner: HGB, XGBoost, LightGBM."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

from skactive import ActiveLearningRegressor, _boosting, simulate
from skactive._boosting import boosting_kind, committee_members, is_boosting

_MISSING = "needs the 'boost' extra: pip install 'skactive[boost]'"


def _xgb(**params):
    xgboost = pytest.importorskip("xgboost", reason=_MISSING)
    return xgboost.XGBRegressor(n_estimators=20, n_jobs=1, **params)


def _lgbm(**params):
    lightgbm = pytest.importorskip("lightgbm", reason=_MISSING)
    return lightgbm.LGBMRegressor(n_estimators=20, n_jobs=1, **params)


def _hgb(**params):
    return HistGradientBoostingRegressor(max_iter=20, **params)


BOOSTERS = {"hgb": _hgb, "xgb": _xgb, "lgbm": _lgbm}


@pytest.fixture(params=sorted(BOOSTERS))
def booster(request):
    """A factory of one small boosting regressor (skipped without its package)."""
    make = BOOSTERS[request.param]
    make()  # skip early when the package is missing
    return make


@pytest.fixture
def data():
    X, y = make_friedman1(n_samples=260, noise=0.5, random_state=0)
    return X, y


@pytest.mark.parametrize("strategy", ["lcmd", "uncertainty", "qbc", "emcm", "igs"])
def test_as_estimator(booster, data, strategy):
    X, y = data
    alr = ActiveLearningRegressor(booster(), strategy=strategy, random_state=0)
    alr.fit(X[:60], y[:60])
    positions = alr.query(X[60:], n=5)
    assert np.unique(positions).size == 5
    if strategy != "igs":  # greedy sampling needs no committee
        assert len(alr.committee_) >= 2
        mean, std = alr.predict(X[:7], return_std=True)
        assert mean.shape == std.shape == (7,)
        assert np.all(std > 0)
    alr.teach(X[60:][positions], y[60:][positions])
    assert alr.n_labeled_ == 65
    # Same seed, same answer.
    again = ActiveLearningRegressor(booster(), strategy=strategy, random_state=0)
    np.testing.assert_array_equal(
        again.fit(X[:60], y[:60]).query(X[60:], n=5), positions
    )


def test_native_committee(booster, data):
    """Members differ in seed, subsample rows and inputs, and stop early never."""
    X, y = data
    template = booster(random_state=3)
    before = template.get_params()
    alr = ActiveLearningRegressor(template, random_state=0).fit(X[:80], y[:80])
    assert template.get_params() == before  # the user's object is never changed
    members = alr.committee_
    seeds = {m.get_params()["random_state"] for m in members}
    assert len(seeds) == len(members)
    kind = boosting_kind(template)
    params = members[0].get_params()
    if kind == "hgb":
        assert params["early_stopping"] is False and params["max_features"] < 1
    else:
        assert params["subsample"] < 1 and params["colsample_bytree"] < 1
    if kind == "xgb":
        assert params["early_stopping_rounds"] is None
    if kind == "lgbm":
        assert params["subsample_freq"] >= 1 and params["verbose"] == -1
    preds = np.column_stack([m.predict(X[80:]) for m in members])
    assert np.all(preds.std(axis=1) > 0)  # the members disagree everywhere
    # An explicit int committee stays what the docs say: bootstrap clones.
    boot = ActiveLearningRegressor(template, committee=3, random_state=0)
    assert boot.fit(X[:80], y[:80]).committee_[0].get_params()["random_state"] == 3


def test_recognised_inside_pipeline(booster, data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), booster())
    assert is_boosting(pipe) and not is_boosting(StandardScaler())
    [(member, _)] = committee_members(pipe, [7], n_labeled=50)
    assert member[-1].get_params()["random_state"] == 7
    alr = ActiveLearningRegressor(pipe, random_state=0).fit(X[:60], y[:60])
    assert alr.query(X[60:], n=4).shape == (4,)
    assert alr.score(X[200:], y[200:]) > -1


def test_as_committee_members(data):
    X, y = data
    members = [_hgb()]
    for make in (_xgb, _lgbm):
        try:
            members.append(make())
        except pytest.skip.Exception:
            pass
    members.append(_hgb(learning_rate=0.3))
    alr = ActiveLearningRegressor(committee=members, strategy="qbc", random_state=0)
    alr.fit(X[:60], y[:60])
    assert len(alr.committee_) == len(members)
    assert all(m is not c for m, c in zip(members, alr.committee_))
    _, std = alr.predict(X[60:], return_std=True)
    assert np.all(std > 0)
    assert alr.query(X[60:], n=3).shape == (3,)


def test_grid_search_at_a_fixed_budget(booster, data):
    X, y = data
    alr = ActiveLearningRegressor(booster(), budget=40, batch_size=10, random_state=0)
    params = {"learning_rate": [0.1, 0.3]}
    grid = GridSearchCV(alr, {f"estimator__{k}": v for k, v in params.items()}, cv=2)
    grid.fit(X[:200], y[:200])
    assert grid.best_estimator_.n_labeled_ == 40
    assert np.isfinite(grid.best_score_)


def test_simulate(booster, data):
    X, y = data
    result = simulate(
        ActiveLearningRegressor(booster()),
        X,
        y,
        strategies=("random", "lcmd"),
        budget=50,
        initial_size=20,
        batch_size=15,
        n_repeats=1,
        random_state=0,
        headroom=False,
    )
    assert set(result.curves["strategy"]) == {"random", "lcmd"}
    assert np.isfinite(result.curves["rmse"]).all()


def test_clone_and_pickle_keep_the_committee(booster, data):
    X, y = data
    alr = ActiveLearningRegressor(booster(), random_state=0).fit(X[:60], y[:60])
    restored = pickle.loads(pickle.dumps(alr))
    np.testing.assert_allclose(
        restored.predict(X[60:], return_std=True)[1],
        alr.predict(X[60:], return_std=True)[1],
    )
    assert clone(alr).get_params()["estimator"] is not alr.estimator


def test_lightgbm_committee_is_quiet(data, capfd):
    """Clones we make log nothing; the user's own model logs as it would alone."""
    X, y = data
    # 30 rows: LightGBM logs "no further splits" for every tree it grows.
    _lgbm().fit(X[:30], y[:30])
    alone = capfd.readouterr()
    alr = ActiveLearningRegressor(_lgbm(), random_state=0)
    alr.fit(X[:30], y[:30]).query(X[30:], n=5)
    wrapped = capfd.readouterr()
    assert (wrapped.out + wrapped.err).count("[LightGBM]") == (
        alone.out + alone.err
    ).count("[LightGBM]")
    alr = ActiveLearningRegressor(_lgbm(verbose=-1), random_state=0)
    alr.fit(X[:30], y[:30]).query(X[30:], n=5)
    quiet = capfd.readouterr()
    assert "[LightGBM]" not in quiet.out + quiet.err


def test_members_split_with_few_labels(booster, data):
    """At 30 labels a default booster (20 rows per leaf) cannot split; its
    committee members can, so they rank the pool instead of tying."""
    X, y = data
    alr = ActiveLearningRegressor(booster(), random_state=0).fit(X[:30], y[:30])
    preds = np.column_stack([m.predict(X[30:]) for m in alr.committee_])
    assert np.all(np.ptp(preds, axis=0) > 0)  # no member is a constant
    key = {"hgb": "min_samples_leaf", "lgbm": "min_child_samples"}.get(
        boosting_kind(alr.estimator)
    )
    if key:
        assert alr.committee_[0].get_params()[key] == 3


def test_members_never_coarser_than_the_users(data):
    X, y = data
    alr = ActiveLearningRegressor(
        _hgb(min_samples_leaf=2, max_features=0.5), random_state=0
    ).fit(X[:100], y[:100])
    params = alr.committee_[0].get_params()
    assert params["min_samples_leaf"] == 2 and params["max_features"] == 0.5


def _openmp_threads():
    """The OpenMP threads HistGradientBoosting would use now."""
    return _openmp_effective_n_threads()


def test_one_thread_for_hgb_on_few_rows():
    """HGB on few rows runs on one OpenMP thread; other models and many rows
    keep the threads they had, and the limit is lifted on exit."""
    before = _openmp_threads()
    hgb = ActiveLearningRegressor(_hgb())
    with _boosting.one_thread(hgb, 100):
        assert _openmp_threads() == 1
    assert _openmp_threads() == before
    in_pipeline = ActiveLearningRegressor(make_pipeline(StandardScaler(), _hgb()))
    in_committee = ActiveLearningRegressor(committee=[_hgb(), LinearRegression()])
    for learner in (in_pipeline, in_committee):
        with _boosting.one_thread(learner, 100):
            assert _openmp_threads() == 1
    for learner, n_rows in [
        (ActiveLearningRegressor(LinearRegression()), 100),
        (ActiveLearningRegressor(), 100),  # the default forest
        (hgb, _boosting.ONE_THREAD_BELOW),
    ]:
        with _boosting.one_thread(learner, n_rows):
            assert _openmp_threads() == before


def test_fit_query_and_predict_run_hgb_on_one_thread(data, monkeypatch):
    X, y = data
    seen = []
    calls = {
        name: getattr(HistGradientBoostingRegressor, name)
        for name in ("fit", "predict")
    }

    def spy(name):
        def method(self, *args, **kwargs):
            seen.append((name, _openmp_threads()))
            return calls[name](self, *args, **kwargs)

        return method

    for name in calls:
        monkeypatch.setattr(HistGradientBoostingRegressor, name, spy(name))
    alr = ActiveLearningRegressor(_hgb(), random_state=0).fit(X[:60], y[:60])
    alr.query(X[60:], n=5)
    alr.predict(X[60:], return_std=True)
    assert {name for name, _ in seen} == {"fit", "predict"}
    assert all(threads == 1 for _, threads in seen)


def test_thread_limit_changes_no_result(data, monkeypatch):
    """The same positions and predictions with and without the limit."""
    X, y = data

    def run():
        alr = ActiveLearningRegressor(_hgb(), random_state=0).fit(X[:60], y[:60])
        return alr.query(X[60:], n=10), alr.predict(X[60:], return_std=True)

    limited = run()
    monkeypatch.setattr(_boosting, "ONE_THREAD_BELOW", 0)
    free = run()
    np.testing.assert_array_equal(limited[0], free[0])
    np.testing.assert_allclose(limited[1], free[1])


def test_boosting_module_imports_alone():
    """_boosting takes the Pipeline helpers from a leaf module: importing it
    first (before _members, which imports it) makes no cycle."""
    code = (
        "import skactive._boosting as b, skactive._members as m; "
        "assert b.final_step is m.final_step; "
        "assert not hasattr(b, '_final')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
