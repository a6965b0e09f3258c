"""The error metric: root mean squared error (and the mean absolute error)."""

import numpy as np

from ._members import final_step


def errors(y_true, y_pred):
    """RMSE and MAE of predictions, as floats.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)

    Returns
    -------
    rmse, mae : float
    """
    residual = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return float(np.sqrt(np.mean(residual**2))), float(np.mean(np.abs(residual)))


def estimate_error(learner):
    """Out-of-bag RMSE of the learner's forest, and how it was estimated.

    Every tree is scored on the labeled rows its bootstrap draw left out, so
    the estimate costs no extra label and no refit. None with fewer than 5
    labels.
    """
    if learner is None or not hasattr(learner, "n_labeled_") or learner.n_labeled_ < 5:
        return None, None
    model = learner.estimator_
    predicted = getattr(final_step(model), "oob_prediction_", None)
    if predicted is None:
        return None, None
    predicted = np.asarray(predicted, dtype=float).ravel()
    y = learner.y_labeled_
    keep = np.isfinite(predicted)
    return errors(y[keep], predicted[keep])[0], "out-of-bag RMSE"
