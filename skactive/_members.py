"""Predictive spread and per-member predictions of a fitted learner.

Where a learner's spread comes from, in order of preference:

1. the committee the user asked for (``committee=``);
2. a native ``predict(X, return_std=True)`` (Gaussian process, Bayesian ridge);
3. the members of a fitted averaging ensemble (forests, bagging);
4. a bootstrap committee of clones that ``fit`` built because the strategy
   needed one.
"""

import copy
import inspect

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import (
    BaggingRegressor,
    ExtraTreesRegressor,
    RandomForestRegressor,
)
from sklearn.tree import BaseDecisionTree
from sklearn.utils import gen_batches
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_array

from . import _boosting
from ._densify import densified
from ._rows import split_row_params, take_rows
from ._steps import final_step, transform_for_final

# Averaging ensembles: the prediction is the mean of ``estimators_``.
_AVERAGING_ENSEMBLES = (RandomForestRegressor, ExtraTreesRegressor, BaggingRegressor)

# Keep one chunk of member predictions under this many bytes.
_CHUNK_BYTES = 64 * 2**20


def default_estimator(learner):
    """The learner's ``estimator``, or the default forest when it is None."""
    if learner.estimator is None:
        return RandomForestRegressor(n_estimators=100, n_jobs=learner.n_jobs)
    return learner.estimator


def fit_models(estimator, committee, strategy, X, y, params, *, rng, n_jobs=None):
    """Fit the model and the committee a learner with these settings needs.

    Parameters
    ----------
    estimator : estimator object
        The regressor (or Pipeline) to fit.
    committee : None, int or list of estimators
        The learner's ``committee`` parameter.
    strategy : strategy object
        Asked how many bootstrap members it needs when ``committee`` is None.
    X, y : labeled rows and their targets
    params : dict
        Fit parameters, per-row ones aligned with ``X``.
    rng : RandomState
        Every member's seed is drawn from it up front.
    n_jobs : int, default=None
        Jobs for fitting the committee members.

    Returns
    -------
    main : estimator or None
        ``estimator`` fit on every row (None when a committee is given).
    members : list of estimators or None
        The fitted committee, or None.
    """
    n_labeled = y.shape[0]
    if isinstance(committee, list):
        templates = committee
    else:
        size = committee or strategy.bootstrap_members_needed(estimator, committee)
        templates = [estimator] * size
    main = None
    if committee is None:
        main = _fit_member(estimator, X, y, params, rng.randint(2**31 - 1), False)
    seeds = rng.randint(2**31 - 1, size=len(templates))
    bootstrap = [True] * len(templates)
    if committee is None and templates and _boosting.is_boosting(estimator):
        if _boosting._DESIGN == "virtual":
            templates, seeds = [], []
        # A committee the strategy asked for: the booster's own design.
        else:
            templates, bootstrap = zip(
                *_boosting.committee_members(estimator, seeds, n_labeled)
            )
    members = None
    if templates:
        members = Parallel(n_jobs=n_jobs)(
            delayed(_fit_member)(template, X, y, params, seed, boot)
            for template, seed, boot in zip(templates, seeds, bootstrap)
        )
    return main, members


def _fit_member(template, X, y, params, seed, bootstrap):
    """Fit a clone of ``template``, on a bootstrap resample if asked."""
    # A final step that rejects sparse input gets dense input, whatever the
    # preceding steps produce on these rows.
    model = densified(clone(template))
    _seed_unset_random_states(model, seed)
    if bootstrap:
        n = y.shape[0]
        rows = np.random.RandomState(seed).randint(n, size=n)
        X, y = take_rows(X, rows), y[rows]
        params = split_row_params(params, n, rows)
    return model.fit(X, y, **params)


def _seed_unset_random_states(model, seed):
    """Give every unset ``random_state`` of a clone a seed, for reproducibility."""
    rng = np.random.RandomState(seed)
    to_set = {
        key: int(rng.randint(2**31 - 1))
        for key, value in sorted(model.get_params(deep=True).items())
        if (key == "random_state" or key.endswith("__random_state"))
        and (value is None or isinstance(value, np.random.RandomState))
    }
    if to_set:
        model.set_params(**to_set)


def partial_fit_models(main, members, X, y, rng):
    """Copies of fitted models updated with ``partial_fit`` on new rows.

    ``main`` learns every row; each committee member a Poisson(1) bootstrap
    of them (online bagging), drawn from ``rng``. The models given are left
    as they are, so a failure changes nothing.

    Returns
    -------
    main, members : the updated copies (``None`` and ``[]`` stay as they are)
    """
    n = y.shape[0]
    main = None if main is None else _partial_fit_copy(main, X, y, np.arange(n))
    if members:
        members = [
            _partial_fit_copy(
                member, X, y, np.repeat(np.arange(n), rng.poisson(1.0, size=n))
            )
            for member in members
        ]
    return main, members


def _partial_fit_copy(model, X, y, rows):
    model = copy.deepcopy(model)
    if rows.size:
        model.partial_fit(take_rows(X, rows), y[rows])
    return model


def can_partial_fit(models):
    """Whether every model is a bare regressor (no Pipeline) with ``partial_fit``."""
    return all(
        model is final_step(model) and hasattr(model, "partial_fit")
        for model in models
        if model is not None
    )


def has_native_std(estimator):
    """Whether ``predict`` of the (final step of the) estimator takes ``return_std``."""
    predict = getattr(final_step(estimator), "predict", None)
    if predict is None:
        return False
    try:
        return "return_std" in inspect.signature(predict).parameters
    except (TypeError, ValueError):
        return False


def is_averaging_ensemble(estimator):
    """Whether the estimator averages members we can query one by one."""
    return isinstance(final_step(estimator), _AVERAGING_ENSEMBLES)


def n_members(learner):
    """Number of columns :func:`member_predictions` returns, or 0 if none."""
    if learner.committee_ is not None:
        return len(learner.committee_)
    if _virtual(learner):
        return _boosting.VIRTUAL_MEMBERS
    if is_averaging_ensemble(learner.estimator_):
        return len(final_step(learner.estimator_).estimators_)
    return 0


def member_predictions(learner, X):
    """Predictions of each committee or ensemble member, shape (n_rows, n_members).

    Raises
    ------
    ValueError
        If the learner has neither a committee nor an averaging ensemble.
    """
    # Fitted state only: estimator_ is None exactly when a committee predicts.
    if learner.estimator_ is not None and is_averaging_ensemble(learner.estimator_):
        return _ensemble_member_predictions(learner.estimator_, X, learner.n_jobs)
    if learner.committee_ is not None:
        return _stack_columns([member.predict(X) for member in learner.committee_])
    if _virtual(learner):
        return _boosting.virtual_member_predictions(
            learner.estimator_, X, _boosting.VIRTUAL_MEMBERS
        )
    raise ValueError(
        f"{type(final_step(learner.estimator_)).__name__} has no members to "
        "compare; pass committee=<int> (bootstrap clones) or a list of "
        "regressors, or use an averaging ensemble such as a random forest."
    )


def _virtual(learner):
    return (
        _boosting._DESIGN == "virtual"
        and learner.committee is None
        and learner.estimator_ is not None
        and _boosting.is_boosting(learner.estimator_)
    )


def predict_rows(learner, X, return_std=False):
    """A fitted learner's predictions of validated rows, and their spread if
    asked: the committee's mean and std when a committee predicts, else the
    model's prediction with its native, ensemble or committee spread."""
    if learner.estimator_ is None:  # fitted state: the committee predicts
        members = member_predictions(learner, X)
        mean = members.mean(axis=1)
        return (mean, members.std(axis=1)) if return_std else mean
    model = learner.estimator_
    if not return_std:
        return np.asarray(model.predict(X), dtype=float)
    if has_native_std(model):
        mean, std = model.predict(X, return_std=True)
        return np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    if learner.committee_ is None and not is_averaging_ensemble(model):
        raise ValueError(
            f"{type(final_step(model)).__name__} gives no predictive spread (no "
            "return_std and no ensemble members); pass committee=<int> to wrap it "
            "in a bootstrap committee."
        )
    return np.asarray(model.predict(X), dtype=float), predictive_std(learner, X)


def predictive_std(learner, X):
    """Standard deviation of the predictive distribution of each row."""
    if learner.estimator_ is not None and has_native_std(learner.estimator_):
        _, std = learner.estimator_.predict(X, return_std=True)
        return np.asarray(std, dtype=float)
    return member_predictions(learner, X).std(axis=1)


def has_spread(estimator, committee):
    """Whether a learner with these settings can give a spread without extra fits."""
    return (
        committee is not None
        or has_native_std(estimator)
        or is_averaging_ensemble(estimator)
    )


def _ensemble_member_predictions(estimator, X, n_jobs):
    final = final_step(estimator)
    Xt = transform_for_final(estimator, X)
    members = final.estimators_
    if isinstance(final, BaggingRegressor):
        Xt = check_array(Xt, accept_sparse="csr", ensure_all_finite=False)
        columns = [Xt[:, feats] for feats in final.estimators_features_]
        preds = _map(
            n_jobs, lambda pair: pair[0].predict(pair[1]), zip(members, columns)
        )
    elif all(isinstance(m, BaseDecisionTree) for m in members):
        # Validate once, as the forest's own predict does, then skip per-tree checks.
        Xt = check_array(
            Xt, dtype=np.float32, accept_sparse="csr", ensure_all_finite=False
        )
        preds = _map(n_jobs, lambda tree: tree.predict(Xt, check_input=False), members)
    else:
        preds = [member.predict(Xt) for member in members]
    return _stack_columns(preds)


def _map(n_jobs, func, items):
    """``func`` over ``items``, in threads when ``n_jobs`` asks for more than one.

    Without parallelism a plain loop avoids joblib's per-call overhead, which
    dominates when a stream scores one row at a time.
    """
    if n_jobs is None or n_jobs == 1:
        return [func(item) for item in items]
    return Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(func)(item) for item in items
    )


def _stack_columns(preds):
    """(n_rows, n_members) view of one row per member, so row-wise reductions
    (std, mean over members) run over contiguous memory."""
    return np.asarray([np.asarray(p, dtype=float).ravel() for p in preds]).T


def chunk_slices(n_rows, n_columns):
    """Row slices so that an (rows, n_columns) float64 block stays bounded."""
    size = max(1024, _CHUNK_BYTES // (8 * max(n_columns, 1)))
    return list(gen_batches(n_rows, size))
