"""Committees for gradient boosting: HistGradientBoosting, XGBoost, LightGBM.

A gradient-boosted model has no members to compare (its trees are added in
sequence, not averaged), so a strategy that needs a spread gets a committee
built beside the model. This module recognises the boosting regressors, at
the end of a Pipeline too, and builds that committee natively. Each member
is a clone of the user's model with

* its own seed, row subsampling and feature subsampling: stochastic
  gradient boosting (Friedman, 2002) as the source of disagreement, in the
  spirit of the seed-and-subsample ensembles of Malinin et al. (2021).
  HistGradientBoostingRegressor has no row subsampling, so its members are
  fit on bootstrap resamples (Breiman, 1996), with ``max_features``;
* early stopping off, so every member uses every row it was given;
* leaves of at most ``n_labeled // 10`` rows (between 2 and 20, never
  coarser than the user's own). scikit-learn's and LightGBM's default of 20
  rows per leaf means that below 40 labels a boosted model cannot split at
  all: the members would all be constants and disagree nowhere, while
  active learning is decided exactly there. The user's model is fit as
  given; only the committee that ranks the pool is changed;
* its logging silenced (LightGBM ``verbose=-1``, XGBoost ``verbosity=0``).

Measured in ``benchmarks/boosting_designs.py`` against the alternatives kept
there: bootstrap clones with the user's settings (``"boot"``), subsampling
without the leaf rule (``"subsample"``) and a virtual ensemble of the
model's own truncations (``"virtual"``, Malinin et al., 2021; no refit).

Speed: the model and its committee are refit every round on few rows, where
HistGradientBoosting's OpenMP threads cost more than they bring (on shared
cores, far more); below ``ONE_THREAD_BELOW`` rows its fits and predictions
run on one thread (``one_thread``; the oversubscription scikit-learn's user
guide warns of under "Parallelism, resource management, and
configuration"). Results stay the same up to float rounding.
``benchmarks/simulate_speed.py`` measures ``simulate`` with HGB against a
forest.

xgboost and lightgbm are optional (``pip install skactive[boost]``); they
are recognised without being imported.

References
----------
J. H. Friedman, "Stochastic gradient boosting", Computational Statistics &
Data Analysis 38(4), 2002.
A. Malinin, L. Prokhorenkova and A. Ustimenko, "Uncertainty in Gradient
Boosting via Ensembles", ICLR 2021.
L. Breiman, "Bagging predictors", Machine Learning 24(2), 1996.
"""

import sys
from contextlib import nullcontext

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from ._steps import final_step, transform_for_final

# Share of rows and of inputs each member sees.
_ROW_SHARE = 0.8
_FEATURE_SHARE = 0.8
_AT_MOST_OWN = (
    "min_samples_leaf",
    "min_child_samples",
    "max_features",
    "subsample",
    "colsample_bytree",
)

# Which committee design ``fit`` builds. Only benchmarks/boosting_designs.py
# changes it, to measure the alternatives; "subsample-leaf" won there.
_DESIGN = "subsample-leaf"
VIRTUAL_MEMBERS = 5


# Below this many rows, HistGradientBoosting fits and predicts on one OpenMP
# thread (see ``one_thread``).
ONE_THREAD_BELOW = 10_000
_controller = None


def one_thread(learner, n_rows):
    """Context in which HistGradientBoosting runs on one OpenMP thread, when
    the ``learner`` (an ActiveLearningRegressor) uses it on fewer than
    ``ONE_THREAD_BELOW`` rows; otherwise a context that changes nothing.

    HistGradientBoosting opens an OpenMP parallel region for every node it
    splits and every block it predicts. On a few hundred labeled rows the
    work inside is microseconds, so the threads' start-up and barriers
    dominate, and when the cores are shared (other processes, or joblib
    workers each starting their own OpenMP team) waiting threads spin
    against each other: measured on 2 shared cores, 100 iterations on 1,000
    rows took 0.8 s on one thread and 26 s on two. An active learner
    refits its model and committee every round on few rows, so it limits
    OpenMP to one thread there. Fits and predictions stay the same up to
    float rounding on any number of threads; only time changes. Limits are
    set with threadpoolctl and restored on exit.
    """
    if n_rows >= ONE_THREAD_BELOW or not _uses_hgb(learner):
        return nullcontext()
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="openmp")


def _uses_hgb(learner):
    models = [getattr(learner, "estimator", None)]
    committee = getattr(learner, "committee", None)
    if isinstance(committee, list):
        models.extend(committee)
    return any(model is not None and boosting_kind(model) == "hgb" for model in models)


def boosting_kind(estimator):
    """``"hgb"``, ``"xgb"``, ``"lgbm"`` or None for the (final step of the) estimator."""
    final = final_step(estimator)
    from sklearn.ensemble import HistGradientBoostingRegressor

    if isinstance(final, HistGradientBoostingRegressor):
        return "hgb"
    xgboost = sys.modules.get("xgboost")
    if xgboost is not None and isinstance(final, xgboost.XGBRegressor):
        return "xgb"
    lightgbm = sys.modules.get("lightgbm")
    if lightgbm is not None and isinstance(final, lightgbm.LGBMRegressor):
        return "lgbm"
    return None


def is_boosting(estimator):
    """Whether the (final step of the) estimator is a gradient-boosting regressor
    whose committee this module builds."""
    return boosting_kind(estimator) is not None


def committee_members(estimator, seeds, n_labeled):
    """Unfitted members of the committee of a boosting ``estimator``.

    Parameters
    ----------
    estimator : estimator or Pipeline
        A gradient-boosting regressor, or a Pipeline ending in one.
    seeds : sequence of int
        One seed per member.
    n_labeled : int
        Labeled rows the members will be fit on.

    Returns
    -------
    members : list of (estimator, bool)
        Each member, and whether it is fit on a bootstrap resample of the
        labeled rows (when the learner has no row subsampling of its own).
    """
    kind = boosting_kind(estimator)
    out = []
    for seed in seeds:
        member = clone(estimator)
        params = _member_params(kind, int(seed), n_labeled, _DESIGN)
        own = final_step(member).get_params()
        for key in _AT_MOST_OWN:
            # Leaves never coarser, samples never larger than the user's own.
            if key in params and isinstance(own.get(key), (int, float)):
                params[key] = min(params[key], own[key])
        if isinstance(member, Pipeline):
            last = member.steps[-1][0]
            params = {f"{last}__{key}": value for key, value in params.items()}
        member.set_params(**params)
        out.append((member, _DESIGN in ("boot", "bag-leaf") or kind == "hgb"))
    return out


def _member_params(kind, seed, n_labeled, design):
    quiet = {"lgbm": {"verbose": -1}, "xgb": {"verbosity": 0}}.get(kind, {})
    if design == "boot":
        return {"random_state": seed, **quiet}
    params = {"random_state": seed, **quiet}
    if kind == "hgb":
        params.update(early_stopping=False, max_features=_FEATURE_SHARE)
    elif kind == "xgb":
        params.update(
            early_stopping_rounds=None,
            subsample=_ROW_SHARE,
            colsample_bytree=_FEATURE_SHARE,
        )
    else:
        params.update(
            subsample=_ROW_SHARE,
            subsample_freq=1,
            colsample_bytree=_FEATURE_SHARE,
        )
    if design == "bag-leaf":
        # Bootstrap rows instead of the booster's own row subsampling.
        params.pop("subsample", None)
        params.pop("subsample_freq", None)
    if design in ("subsample-leaf", "bag-leaf"):
        # Leaves small enough that a member of few rows still splits.
        leaf = int(np.clip(n_labeled // 10, 2, 20))
        key = {"hgb": "min_samples_leaf", "lgbm": "min_child_samples"}.get(kind)
        if key:
            params[key] = leaf
    return params


def virtual_member_predictions(estimator, X, n_members=5):
    """Predictions of the truncated models of a fitted booster, (n_rows, n_members).

    The members are the model stopped after evenly spaced iterations of the
    second half of its trees: a virtual ensemble (Malinin et al., 2021).
    """
    final = final_step(estimator)
    Xt = transform_for_final(estimator, X)
    kind = boosting_kind(final)
    if kind == "hgb":
        total = final.n_iter_
    elif kind == "xgb":
        total = final.get_booster().num_boosted_rounds()
    else:
        total = final.booster_.current_iteration()
    stops = np.unique(
        np.linspace(total / 2, total, n_members + 1)[1:].round().astype(int)
    )
    stops = np.clip(stops, 1, total)
    if kind == "hgb":
        wanted = set(stops.tolist())
        preds = [p for k, p in enumerate(final.staged_predict(Xt), 1) if k in wanted]
    elif kind == "xgb":
        preds = [final.predict(Xt, iteration_range=(0, int(k))) for k in stops]
    else:
        preds = [final.predict(Xt, num_iteration=int(k)) for k in stops]
    return np.asarray([np.asarray(p, dtype=float).ravel() for p in preds]).T
