"""Row-wise helpers that work on arrays, sparse matrices and DataFrames alike."""

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples


def take_rows(X, positions):
    """Rows of ``X`` at integer ``positions``, keeping the container type."""
    return _safe_indexing(X, np.asarray(positions, dtype=np.intp), axis=0)


def concat_rows(first, second):
    """Stack two row blocks of the same kind (array, sparse, DataFrame)."""
    if isinstance(first, pd.DataFrame):
        if not isinstance(second, pd.DataFrame):
            second = pd.DataFrame(second, columns=first.columns)
        return pd.concat([first, second], axis=0, ignore_index=True)
    if sp.issparse(first) or sp.issparse(second):
        return sp.vstack([sp.csr_matrix(first), sp.csr_matrix(second)], format="csr")
    return np.concatenate([np.asarray(first), np.asarray(second)], axis=0)


def split_row_params(params, n_samples, positions):
    """Slice the fit parameters that have one entry per row.

    Parameters that are array-like with ``n_samples`` entries (such as
    ``sample_weight``) follow their rows; everything else passes unchanged.
    """
    out = {}
    for key, value in params.items():
        if is_row_param(value, n_samples):
            out[key] = take_rows(np.asarray(value), positions)
        else:
            out[key] = value
    return out


def is_row_param(value, n_samples):
    """Whether a fit parameter holds one value per row."""
    if value is None or np.isscalar(value) or isinstance(value, (str, dict)):
        return False
    try:
        return _num_samples(value) == n_samples
    except TypeError:
        return False


def append_row_params(old_params, n_old, new_params, n_new):
    """Fit parameters of ``n_old`` rows followed by ``n_new`` more.

    A per-row parameter is concatenated (``sample_weight`` defaults to 1 on
    the side that has none); any other takes its newest value.
    """
    merged = {}
    for key in set(old_params) | set(new_params):
        old, new = old_params.get(key), new_params.get(key)
        old_rows, new_rows = is_row_param(old, n_old), is_row_param(new, n_new)
        if not (old_rows or new_rows):
            merged[key] = new if key in new_params else old
            continue
        if key == "sample_weight":
            old = np.asarray(old, dtype=float) if old_rows else np.ones(n_old)
            new = np.asarray(new, dtype=float) if new_rows else np.ones(n_new)
        elif not (old_rows and new_rows):
            raise ValueError(
                f"{key} has one value per row; pass {key} for every row, in "
                "fit and teach alike."
            )
        merged[key] = np.concatenate([np.asarray(old), np.asarray(new)])
    return merged
