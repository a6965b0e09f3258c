"""Importance of each input the model sees, for LCMD's input block.

The model's own ``feature_importances_`` when it has them; otherwise the
change of its prediction when one input is permuted, which needs no labels.
"""

import numpy as np
from sklearn.utils.validation import _num_samples

from ._densify import to_dense
from ._rows import take_rows
from ._steps import final_step

# Model-agnostic importances: pool rows used, and the widest input they serve.
_SENSITIVITY_ROWS = 512
_SENSITIVITY_MAX_FEATURES = 256


def input_importances(learner, M_pool, rng):
    """Importance of each model-space input, summing to 1.

    The model's own ``feature_importances_`` (mean over committee members)
    when it has them; otherwise the mean squared change of the model's
    prediction when one input is permuted across at most
    ``_SENSITIVITY_ROWS`` pool rows (labels are not needed); with more than
    ``_SENSITIVITY_MAX_FEATURES`` inputs and no importances, equal weights.
    """
    n_features = M_pool.shape[1]
    models = learner.committee_ or []
    if learner.estimator_ is not None:
        models = [learner.estimator_]
    values = [
        np.asarray(final_step(m).feature_importances_, dtype=float)
        for m in models
        if hasattr(final_step(m), "feature_importances_")
    ]
    values = [v for v in values if v.shape == (n_features,)]
    if values:
        imp = np.mean(values, axis=0)
    elif n_features <= _SENSITIVITY_MAX_FEATURES:
        imp = sensitivity(final_step(models[0]), M_pool, rng)
    else:
        imp = np.ones(n_features)
    imp = np.clip(np.nan_to_num(imp), 0, None)
    total = imp.sum()
    return imp / total if total > 0 else np.full(n_features, 1.0 / n_features)


def sensitivity(model, M_pool, rng):
    """Mean squared change of ``model``'s prediction when one input is permuted."""
    n_rows = _num_samples(M_pool)
    rows = rng.choice(n_rows, min(n_rows, _SENSITIVITY_ROWS), replace=False)
    sample = to_dense(take_rows(M_pool, np.sort(rows)))
    sample = np.asarray(sample, dtype=np.float32).astype(float)
    base = np.asarray(model.predict(sample), dtype=float)
    order = rng.permutation(sample.shape[0])
    out = np.empty(sample.shape[1])
    for j in range(sample.shape[1]):  # one predict per input, not per row
        column = sample[:, j].copy()
        sample[:, j] = column[order]
        out[j] = np.mean((np.asarray(model.predict(sample), dtype=float) - base) ** 2)
        sample[:, j] = column
    return out
