"""Initial labels, then learn: the loop of a budgeted fit and of ``simulate``."""

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import _num_samples

from ._learning import round_record
from ._rows import split_row_params, take_rows
from ._seeding import learner_rng

# Fitted attributes a budgeted fit copies from its inner learner.
_LEARNED_STATE = (
    "estimator_",
    "committee_",
    "strategy_",
    "batch_selection_",
    "X_labeled_",
    "y_labeled_",
    "n_labeled_",
    "history_",
    "_fit_params",
)


def budgeted_state(learner, X, y, labeled, fit_params):
    """The fitted state of a budgeted fit: simulated active learning on the
    ``labeled`` rows of ``X``, with ``y`` as the oracle.

    ``initial_size`` rows drawn at random, then rounds of ``batch_size``
    queried until ``budget`` labels are bought. Returns the state for the
    learner to assign (``history_`` positions index ``X``).
    """
    budget, batch_size = learner.budget, learner.batch_size
    initial = learner.initial_size
    if initial is None:
        initial = min(batch_size, budget)
    if initial > budget:
        raise ValueError(
            f"budget={budget} is smaller than initial_size={initial}; "
            "pass a budget at least as large as the initial labeled set."
        )
    if budget > labeled.size:
        raise ValueError(
            f"budget={budget} is larger than the {labeled.size} labeled "
            "rows fit was given to buy from; lower the budget or pass more rows."
        )
    order = learner_rng(learner, salt=0).permutation(labeled.size)
    start, rest = labeled[order[:initial]], np.sort(labeled[order[initial:]])
    inner, _ = fit_then_learn(
        clone(learner).set_params(budget=None),
        X,
        y,
        start,
        rest,
        n_queries=budget - initial,
        batch_size=batch_size,
        fit_params=fit_params,
    )
    for record in inner.history_:
        record["positions"] = rest[record["positions"]]
    return {name: getattr(inner, name) for name in _LEARNED_STATE}


def fit_then_learn(
    learner,
    X,
    y,
    start,
    rest,
    *,
    n_queries,
    batch_size,
    X_val=None,
    y_val=None,
    stopping=None,
    fit_params=None,
):
    """Fit ``learner`` on the rows ``start`` of ``X``, then let it buy
    ``n_queries`` labels among the rows ``rest``, with ``y`` as the oracle
    (read only at the queried positions). Per-row ``fit_params`` follow
    their rows.

    Returns
    -------
    learner : ActiveLearningRegressor
        The learner, taught. ``history_`` positions index ``rest``.
    start_record : dict
        The record of the initial fit: ``n_labels``, and ``val_rmse`` and
        ``val_mae`` on the validation set (None without one).
    """
    fit_params = fit_params or {}
    n = _num_samples(X)
    learner.fit(take_rows(X, start), y[start], **split_row_params(fit_params, n, start))
    start_record = round_record(learner, [], X_val, y_val)
    if n_queries > 0:
        learner.learn(
            take_rows(X, rest),
            y[rest],
            n_queries=n_queries,
            batch_size=batch_size,
            X_val=X_val,
            y_val=y_val,
            stopping=stopping,
            **split_row_params(fit_params, n, rest),
        )
    return learner, start_record
