"""Checks of what users hand the learner: targets, ``n``, oracles and their
answers, per-row fit parameters."""

import contextlib
import warnings
from numbers import Integral

import numpy as np
from sklearn.exceptions import DataConversionWarning
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.validation import _num_samples, validate_data

from ._members import default_estimator
from ._rows import is_row_param


def check_targets(y, n_samples, allow_nan):
    """One numeric target per row; NaN allowed only where ``allow_nan``."""
    if hasattr(y, "to_numpy"):
        try:
            y_array = y.to_numpy(dtype=np.float64, na_value=np.nan)
        except (ValueError, TypeError):
            y_array = y.to_numpy()
    else:
        y_array = np.asarray(y)
    if y_array.ndim == 2 and y_array.shape[1] == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected. Please "
            "change the shape of y to (n_samples,), for example using ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
        y_array = y_array.ravel()
    if y_array.ndim != 1:
        raise ValueError(
            f"y must hold one target per row, a 1-d array; got shape {y_array.shape}."
        )
    if np.iscomplexobj(y_array):
        raise ValueError("Complex data not supported; y must hold real numbers.")
    try:
        y_array = np.asarray(y_array, dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"y must hold numeric targets (NaN for unlabeled rows): {exc}"
        ) from exc
    if y_array.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} rows but y has {y_array.shape[0]}; pass one "
            "target per row."
        )
    if np.isinf(y_array).any():
        raise ValueError(
            "y holds infinite values; pass finite targets (NaN marks unlabeled rows)."
        )
    if not allow_nan and np.isnan(y_array).any():
        raise ValueError(
            "y holds NaN; every row taught must have a target. Leave unlabeled "
            "rows out."
        )
    return y_array


# LCMD computes in float32; its squared distances between predictions stay
# finite for targets up to about this size (measured: 1e36 works, 1e37 not).
_LCMD_MAX_TARGET = 1e36


def check_float32_targets(y):
    largest = float(np.max(np.abs(y))) if y.size else 0.0
    if largest > _LCMD_MAX_TARGET:
        raise ValueError(
            f"The lcmd strategy computes in float32 and cannot take targets as large "
            f"as {largest:.3g} (at most {_LCMD_MAX_TARGET:g}); rescale y (for "
            "example y / 1e30, and predictions * 1e30) or use another strategy."
        )


def check_row_params(new_params, n_new, old_params, n_old):
    """Per-row fit parameters of ``teach`` must have one value per new row."""
    for key, value in new_params.items():
        if value is None or np.isscalar(value) or isinstance(value, (str, dict)):
            continue
        try:
            length = _num_samples(value)
        except TypeError:
            continue
        per_row = key == "sample_weight" or is_row_param(old_params.get(key), n_old)
        if per_row and length != n_new:
            raise ValueError(
                f"{key} has {length} values for the {n_new} rows taught; pass one "
                "value per row."
            )


def check_n(n, n_pool, name="n"):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, Integral):
        raise TypeError(f"{name} must be an int; got {n!r}.")
    if n < 1:
        raise ValueError(f"{name}={n} must be at least 1.")
    if n > n_pool:
        raise ValueError(
            f"{name}={n} is larger than the pool ({n_pool} rows); pass "
            f"{name} <= {n_pool} or a larger X_pool."
        )
    return int(n)


def check_oracle(oracle, n_pool):
    if callable(oracle):
        return
    try:
        length = len(oracle)
    except TypeError:
        raise TypeError(
            "oracle must be a callable (rows -> targets) or an array of targets "
            f"aligned with X_pool; got {type(oracle).__name__}."
        ) from None
    if length != n_pool:
        raise ValueError(
            f"The oracle array has {length} targets but X_pool has {n_pool} rows; "
            "pass one target per pool row."
        )


def ask(oracle, rows, positions):
    """The oracle's answers for the queried rows, read only at ``positions``."""
    if callable(oracle):
        answers = oracle(rows)
    elif hasattr(oracle, "iloc"):
        answers = oracle.iloc[positions]
    elif isinstance(oracle, np.ndarray):
        answers = oracle[positions]
    else:
        answers = [oracle[int(i)] for i in positions]
    try:
        answers = np.asarray(answers, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The oracle returned non-numeric answers: {exc}") from exc
    if answers.ndim == 2 and answers.shape[1] == 1:
        answers = answers.ravel()
    if answers.shape != (len(positions),):
        raise ValueError(
            f"The oracle returned {answers.size} answers for {len(positions)} rows; "
            "return one target per queried row."
        )
    if np.isinf(answers).any():
        raise ValueError("The oracle returned infinite values; return finite targets.")
    return answers


def parameter_models(learner):
    """The models a learner's parameters will fit: the committee list, or
    the estimator (the default forest when it is None)."""
    committee = learner.committee
    return committee if isinstance(committee, list) else [default_estimator(learner)]


@contextlib.contextmanager
def features_kept_on_error(learner):
    """Give the learner back the features it had if the block raises:
    ``validate_data(reset=True)`` records the input's features at once, and
    a fit that fails later must not leave a fitted learner expecting them."""
    names = ("n_features_in_", "feature_names_in_")
    seen = {name: learner.__dict__[name] for name in names if name in learner.__dict__}
    try:
        yield
    except Exception:
        for name in names:
            learner.__dict__.pop(name, None)
        learner.__dict__.update(seen)
        raise


def validate_X(learner, X, reset):
    """``X`` checked against what the learner's models take: raw frames for a
    Pipeline, sparse or NaN only if every model accepts them; ``reset``
    records the features (``fit``), otherwise they must match them."""
    if reset:
        models = parameter_models(learner)
        estimator = default_estimator(learner)
        if isinstance(estimator, Pipeline):
            models = [*models, estimator]
    else:
        # predict, score and query: the fitted models, never the parameters.
        models = [learner.estimator_] if learner.estimator_ is not None else []
        models += [] if learner.committee_ is None else list(learner.committee_)
    if any(isinstance(model, Pipeline) for model in models):
        # The Pipeline's own steps validate raw frames (strings, NaN).
        if hasattr(X, "tocsr"):
            X = X.tocsr()
        elif not hasattr(X, "iloc"):
            X = np.asarray(X)
            if X.ndim != 2:
                raise ValueError(
                    f"Expected a 2D array, got a {X.ndim}D array instead. "
                    "Reshape your data either using array.reshape(-1, 1) if "
                    "your data has a single feature or array.reshape(1, -1) "
                    "if it contains a single sample."
                )
        return validate_data(learner, X, reset=reset, skip_check_array=True)
    tags = [get_tags(model).input_tags for model in models]
    return validate_data(
        learner,
        X,
        reset=reset,
        accept_sparse=["csr", "csc"] if all(t.sparse for t in tags) else False,
        ensure_all_finite="allow-nan" if all(t.allow_nan for t in tags) else True,
    )


def validate_rows(learner, X):
    """``X`` checked against a fitted learner's features, zero rows allowed;
    returns ``(X, n_rows)``."""
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2 and shape[0] == 0:
        if shape[1] != learner.n_features_in_:
            raise ValueError(
                f"X has {shape[1]} features, but the learner was fit on "
                f"{learner.n_features_in_} features; pass rows with those features."
            )
        return X, 0
    X = validate_X(learner, X, reset=False)
    return X, _num_samples(X)


def check_validation_set(learner, X_val, y_val):
    """The validation set of ``learn``, checked against the fitted learner:
    ``(X_val, y_val)``, or ``(None, None)``."""
    if (X_val is None) != (y_val is None):
        raise ValueError("Pass X_val and y_val together, or neither.")
    if X_val is None:
        return None, None
    X_val = validate_X(learner, X_val, reset=False)
    return X_val, check_targets(y_val, _num_samples(X_val), allow_nan=False)
