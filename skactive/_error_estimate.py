"""Where the model errs: an estimate of its error on every pool row.

LCMD scales each pool row's mass by this estimate (``LCMDSampling``'s
``error_weighting``), so a batch stays diverse but leans towards where the
model is wrong. Two cheap signals, each blind where the other sees:

* the residuals: the labeled rows' absolute errors under 3-fold
  cross-validation of the learner's model, spread over the pool by a forest
  (loss prediction, Yoo and Kweon, 2019). It finds regions that are hard or
  noisy.
* the disagreement: the absolute difference between the model's prediction
  and a ridge regression's, fit to the same labels (a committee of two model
  classes, Burbidge, Rowland and King, 2007). It finds rows where the model
  extrapolates, such as rare categories the residuals have too few rows of.

The weight is the geometric mean of the two, each over its pool mean. The
error's expectation given the inputs is what pays: with the true one (read
from the labels, which no strategy can) the same scaling reaches 0.93 of
random's RMSE in the larger protocol, and does not lose where the error is
noise (``benchmarks/design_ceiling.py``).
"""

import weakref

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor, VotingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ._densify import densified
from ._members import _seed_unset_random_states, default_estimator, predict_rows

# Below this many labels, three folds say little about where the model errs.
MIN_LABELED = 10
_RIDGE_ALPHAS = np.logspace(-2, 4, 13)
# A model that cannot be cross-validated or a space a ridge cannot read (an
# unseen category in a fold, text columns): that estimate is left out.
_CANNOT_ESTIMATE = (ValueError, TypeError)
# Learner -> (its fitted state, its error models); outside the learner, so
# that pickling it or a failed call restoring it sees no trace.
_MEMO = weakref.WeakKeyDictionary()


def error_weights(learner, X_pool, X_model=None):
    """Estimated error of the model on each pool row, over the pool's mean.

    The two error models are fit once per fitted state of the learner (a
    stream's chunks and a Dask pool's blocks share them) with fixed seeds
    inside (folds, clones, forest): the estimate depends on the labels only.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        Fitted.
    X_pool : array-like or sparse matrix of shape (n_pool, n_features)
        Validated rows, in the learner's input space.
    X_model : array-like or sparse matrix, default=None
        ``learner.model_space(X_pool)``, when the caller has it already.

    Returns
    -------
    weights : ndarray of shape (n_pool,) or None
        Non-negative, mean 1; None with fewer than ``MIN_LABELED`` labels,
        when the model's cross-validated predictions are no better than the
        labels' mean (it has learned nothing yet), or when neither estimate
        can be made.
    """
    if learner.y_labeled_.shape[0] < MIN_LABELED:
        return None
    forest, ridge = _error_models(learner)
    M_pool = learner.model_space(X_pool) if X_model is None else X_model
    residual = gap = None
    if forest is not None:
        residual = _usable(forest.predict(M_pool))
    if ridge is not None:
        other = ridge.predict(M_pool)
        # + 1e-12: where the two agree exactly, a row keeps a little mass.
        gap = _usable(np.abs(predict_rows(learner, X_pool) - other) + 1e-12)
    if residual is None and gap is None:
        return None
    if residual is None or gap is None:
        estimate = gap if residual is None else residual
    else:
        estimate = np.sqrt(gap / gap.mean() * residual / residual.mean())
    return _usable(estimate / estimate.mean())


def _error_models(learner):
    """The fitted residual forest and ridge regression (None where they fail),
    kept for the learner's current fitted state."""
    state = (learner.estimator_, learner.committee_, learner.n_labeled_)
    memo = _MEMO.get(learner)
    if memo is not None and _same_state(memo[0], state):
        return memo[1]
    X, y = learner.X_labeled_, learner.y_labeled_
    M = learner.model_space(X)
    predicted = _cross_validated(learner, X, y)
    if predicted is not None and not _has_skill(y, predicted):
        models = (None, None)  # the model has learned nothing yet to err about
    else:
        models = (_residual_forest(y, predicted, M), _ridge(M, y))
    _MEMO[learner] = (state, models)
    return models


def _same_state(a, b):
    return a[0] is b[0] and a[1] is b[1] and a[2] == b[2]


def _usable(estimate):
    """``estimate`` if it is finite with a positive mean, else None."""
    if estimate is None or not np.all(np.isfinite(estimate)):
        return None
    return estimate if estimate.mean() > 0 else None


def _cross_validated(learner, X, y):
    """The model's 3-fold cross-validated predictions of the labels, or None."""
    folds = KFold(3, shuffle=True, random_state=0)
    try:
        return cross_val_predict(_cv_model(learner), X, y, cv=folds)
    except _CANNOT_ESTIMATE:
        return None


def _has_skill(y, predicted):
    """Whether the cross-validated predictions beat the labels' mean (R^2 > 0).

    A booster with its libraries' default leaves (20 rows) cannot split on
    two thirds of 20 or 40 labels: its folds predict a constant and the
    estimate would chase the extreme targets (LightGBM on diamonds: 1.19 x
    random's RMSE after the first batch at 20 labels).
    """
    spread = np.sum((y - y.mean()) ** 2)
    return spread > 0 and np.sum((y - predicted) ** 2) < spread


def _residual_forest(y, predicted, M):
    """A forest fit to the cross-validated absolute residuals, or None."""
    if predicted is None:
        return None
    forest = RandomForestRegressor(min_samples_leaf=5, random_state=0)
    try:
        return forest.fit(M, np.abs(y - predicted))
    except _CANNOT_ESTIMATE:
        return None


def _cv_model(learner):
    """A seeded clone of what predicts: the model, or the committee's average."""
    if learner.estimator_ is None:
        members = [densified(clone(m)) for m in learner.committee]
        model = VotingRegressor([(f"member{i}", m) for i, m in enumerate(members)])
    else:
        model = densified(clone(default_estimator(learner)))
        if "random_state" in model.get_params(deep=False):
            model.set_params(random_state=0)
    _seed_unset_random_states(model, 0)
    return model


def _ridge(M, y):
    """A ridge regression fit to the labels in the model space, or None."""
    sparse = sp.issparse(M)
    ridge = make_pipeline(
        SimpleImputer(keep_empty_features=True),
        StandardScaler(with_mean=not sparse),
        RidgeCV(alphas=_RIDGE_ALPHAS),
    )
    try:
        return ridge.fit(M, y)
    except _CANNOT_ESTIMATE:
        return None
