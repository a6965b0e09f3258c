"""The fitted state of a learner: fit on the labeled rows, then add taught
rows (refit now, refit later, or update through ``partial_fit``), and
:class:`TeachingMixin`, the learner's ``teach`` and ``teach_incremental``.

Each function returns the new state as a dict and changes nothing; the
learner assigns it, so a fit that fails leaves the learner as it was.
"""

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._boosting import one_thread
from ._budget import budgeted_state
from ._domain import learn_domain
from ._members import can_partial_fit, default_estimator, fit_models, partial_fit_models
from ._rows import (
    append_row_params,
    concat_rows,
    is_row_param,
    split_row_params,
    take_rows,
)
from ._seeding import learner_rng
from ._validation import check_row_params, check_targets, validate_rows
from .strategies._registry import resolve_batch_selection, resolve_strategy


def fitted_state(learner, raw_X, X, y, fit_params):
    """The state of ``fit``: models fit on the labeled rows of the validated
    ``X`` (or a budgeted fit over them), and the domain of every row."""
    strategy = resolve_strategy(learner.strategy)
    batch_selection = resolve_batch_selection(learner.batch_selection, strategy)
    labeled = np.flatnonzero(~np.isnan(y))
    if labeled.size == 0:
        raise ValueError(
            "y has no labeled row (every target is NaN). Label a first batch: "
            "skactive.cold_start(X_pool, n) says which rows to label."
        )
    if learner.budget is not None:
        state = budgeted_state(learner, X, y, labeled, fit_params)
    else:
        params = split_row_params(fit_params, _num_samples(X), labeled)
        state = models_state(
            learner,
            take_rows(X, labeled),
            y[labeled],
            params,
            strategy,
            batch_selection,
        )
        state["history_"] = []
    state["n_awaiting_refit_"] = 0
    # The domain of every row, labeled or not, for synthesize().
    state["domain_"] = learn_domain(raw_X if hasattr(raw_X, "iloc") else X)
    return state


def models_state(learner, X, y, params, strategy, batch_selection):
    """The model (and committee) fit on labeled rows, with those rows."""
    n_labeled = _num_samples(X)
    with one_thread(learner, n_labeled):
        main, committee = fit_models(
            default_estimator(learner),
            learner.committee,
            strategy,
            X,
            y,
            params,
            rng=learner_rng(learner, salt=n_labeled),
            n_jobs=learner.n_jobs,
        )
    return {
        "estimator_": main,
        "committee_": committee,
        "strategy_": strategy,
        "batch_selection_": batch_selection,
        "X_labeled_": X,
        "y_labeled_": y,
        "n_labeled_": n_labeled,
        "_fit_params": params,
    }


def taught_state(learner, X, y, raw_X, fit_params, refit=True):
    """Validated rows and targets appended to the labeled ones; the models
    refit on all of them, or (``refit=False``) left waiting for a refit."""
    n_new = _num_samples(X)
    X_all = concat_rows(learner.X_labeled_, X) if n_new else learner.X_labeled_
    y_all = np.concatenate([learner.y_labeled_, y])
    params = append_row_params(
        learner._fit_params, learner.n_labeled_, fit_params, n_new
    )
    if refit:
        state = models_state(
            learner, X_all, y_all, params, learner.strategy_, learner.batch_selection_
        )
        state["n_awaiting_refit_"] = 0
    else:
        state = {
            "X_labeled_": X_all,
            "y_labeled_": y_all,
            "n_labeled_": int(y_all.shape[0]),
            "_fit_params": params,
            "n_awaiting_refit_": getattr(learner, "n_awaiting_refit_", 0) + n_new,
        }
    if n_new:
        state["domain_"] = learner.domain_.union(raw_X if hasattr(raw_X, "iloc") else X)
    return state


def check_model_takes(learner, X):
    """Raise a ValueError unless the fitted model can predict the rows ``X``
    (so that a later refit cannot fail because of them)."""
    try:
        learner.predict(X)
    except Exception as exc:
        raise ValueError(
            f"The fitted model cannot take these rows, so they are not "
            f"stored: {type(exc).__name__}: {exc}. Fix the rows, or teach "
            "them with refit=True."
        ) from exc


def can_teach_incrementally(learner):
    """Whether a fitted learner can take new rows through ``partial_fit``:
    every model has it and no fit parameter is per row."""
    models = [learner.estimator_, *(learner.committee_ or [])]
    return can_partial_fit(models) and not any(
        is_row_param(value, learner.n_labeled_)
        for value in learner._fit_params.values()
    )


def incremental_state(learner, X, y, rng):
    """Validated rows taught through the models' ``partial_fit``: the main
    model learns every row, each committee member a Poisson(1) resample."""
    if not can_teach_incrementally(learner):
        raise ValueError(
            "Teaching through partial_fit needs a learner whose regressor and "
            "committee members all have partial_fit (and no per-row fit "
            "parameter); teach with refit=True or refit=False instead."
        )
    main, members = partial_fit_models(
        learner.estimator_, learner.committee_, X, y, rng
    )
    y_all = np.concatenate([learner.y_labeled_, y])
    state = {
        "estimator_": main,
        "committee_": members,
        "X_labeled_": concat_rows(learner.X_labeled_, X),
        "y_labeled_": y_all,
        "n_labeled_": int(y_all.shape[0]),
    }
    if getattr(learner, "domain_", None) is not None:
        state["domain_"] = learner.domain_.union(X)
    return state


class TeachingMixin:
    """Teaching a fitted :class:`~skactive.ActiveLearningRegressor` new
    labeled rows; the state comes from the functions above."""

    def teach(self, X, y, *, refit=True, **fit_params):
        """Add labeled rows and refit.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The new rows. Zero rows add nothing: then ``teach`` only refits
            if rows taught with ``refit=False`` are waiting (and ``refit``
            is True).
        y : array-like of shape (n_samples,)
            Their targets (no NaN).
        refit : bool, default=True
            False: store the rows and targets at once (``X_labeled_``,
            ``y_labeled_``, ``n_labeled_`` include them, and a learner saved
            now keeps them) but leave the models as they are until a later
            ``teach`` with ``refit=True``, which refits on every stored row.
            ``n_awaiting_refit_`` counts the rows waiting. The rows must be
            ones the fitted model can take (they are passed through its
            ``predict`` first), so a refit cannot fail later because of them.
            This is how :class:`~skactive.StreamSelector` keeps every label
            it bought without a refit per label.
        **fit_params : dict
            Per-row fit parameters for the new rows (``sample_weight``
            defaults to 1 for them), one value per new row.

        Returns
        -------
        self : object
            The learner. If anything fails, it is left unchanged.
        """
        check_is_fitted(self)
        raw_X = X
        X, n_new = validate_rows(self, X)
        y = check_targets(y, n_new, allow_nan=False)
        check_row_params(fit_params, n_new, self._fit_params, self.n_labeled_)
        if n_new == 0:
            if refit and getattr(self, "n_awaiting_refit_", 0):
                return self._teach_validated(X, y, raw_X, {})
            return self
        if not refit:
            check_model_takes(self, X)
        return self._teach_validated(X, y, raw_X, fit_params, refit=refit)

    def teach_incremental(self, X, y, *, random_state=None):
        """Add labeled rows by updating the fitted models, without a refit.

        Each model is updated with its ``partial_fit``: the regressor on the
        new rows, and every committee member on a Poisson(1) resample of
        them (the online bagging of Oza and Russell [1]_). The rows are in
        ``X_labeled_``, ``y_labeled_`` and ``n_labeled_`` at once. This is
        the incremental path of :class:`~skactive.StreamSelector`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The new rows (zero rows add nothing).
        y : array-like of shape (n_samples,)
            Their targets (no NaN).
        random_state : int, RandomState instance or None, default=None
            Draws the committee members' resamples.

        Returns
        -------
        self : object
            The learner. A ValueError is raised, and the learner left
            unchanged, unless every model is a bare regressor with
            ``partial_fit`` and no fit parameter is per row; the learner is
            also left unchanged if an update fails.

        References
        ----------
        .. [1] N. C. Oza and S. Russell, "Online bagging and boosting",
           AISTATS 2001.
        """
        check_is_fitted(self)
        X, n_new = validate_rows(self, X)
        y = check_targets(y, n_new, allow_nan=False)
        if n_new == 0:
            return self
        rng = check_random_state(random_state)
        return self._set_state(incremental_state(self, X, y, rng))

    def _teach_validated(self, X, y, raw_X, fit_params, refit=True):
        """Where every taught label lands: append validated rows, refit
        (unless ``refit`` is False), and swap the new state in."""
        return self._set_state(taught_state(self, X, y, raw_X, fit_params, refit))
