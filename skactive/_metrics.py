"""The error metric: root mean squared error (and the mean absolute error)."""

import numpy as np


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
