"""The geometry leaf against plain loops over rows."""

import numpy as np
import pytest
import scipy.sparse as sp
from lcmd_reference import reference_lcmd

from skactive import _geometry as geo


def rows(seed, n, d, scale=1.0):
    return np.random.RandomState(seed).normal(size=(n, d)) * scale


def test_top_n_best_first_ties_to_lowest_position():
    scores = np.array([0.3, 0.9, 0.3, 0.9, 0.1])
    np.testing.assert_array_equal(geo.top_n(scores, 3), [1, 3, 0])
    np.testing.assert_array_equal(geo.top_n(scores, 5), [1, 3, 0, 2, 4])


def test_min_distances_blocked_equal_brute_force(monkeypatch):
    X, Z = rows(0, 3000, 4), rows(1, 500, 4)
    biggest = []
    real = geo.scaled_rows

    def spy(block, weights=None):
        out = real(block, weights)
        biggest.append(out.shape[0])
        return out

    monkeypatch.setattr(geo, "BLOCK_ENTRIES", 20_000)
    monkeypatch.setattr(geo, "scaled_rows", spy)
    got = geo.min_distances(X, Z, np.ones(4))
    brute = np.array([min(np.linalg.norm(x - z) for z in Z) for x in X])
    np.testing.assert_allclose(got, brute, atol=1e-9)
    assert max(biggest) < 3000  # pool rows come in blocks


def test_min_sq_distances_sparse_and_pair_factor():
    X, Z = rows(2, 80, 5), rows(3, 7, 5)
    X[X < 0.3] = 0.0
    w = np.array([1.0, 2.0, 0.5, 1.0, 3.0])
    a, b = rows(4, 80, 1).ravel(), rows(5, 7, 1).ravel()
    factor = lambda r, c: np.subtract.outer(a[r], b[c]) ** 2  # noqa: E731
    expected = [
        min(np.sum(((x - z) * w) ** 2) * (a[i] - b[m]) ** 2 for m, z in enumerate(Z))
        for i, x in enumerate(X)
    ]
    for block in (X, sp.csr_matrix(X)):
        got = geo.min_sq_distances(block, Z, w, pair_factor=factor, chunk_rows=7)
        np.testing.assert_allclose(got, expected, atol=1e-9)


def test_feature_scales_match_numpy_in_chunks(monkeypatch):
    rng = np.random.RandomState(0)
    A, B = rng.normal(5, 3, size=(2500, 3)), rng.normal(-2, 1, size=(700, 3))
    monkeypatch.setattr(geo, "BLOCK_ENTRIES", 1000)
    expected = np.vstack([A, B]).std(axis=0)
    np.testing.assert_allclose(geo.feature_scales(A, B), expected)
    np.testing.assert_allclose(
        geo.feature_scales(sp.csr_matrix(A), sp.csr_matrix(B)), expected
    )


def test_min_abs_differences_matches_brute_force():
    rng = np.random.RandomState(0)
    values, targets = rng.normal(size=200), rng.normal(size=13)
    brute = [min(abs(v - t) for t in targets) for v in values]
    np.testing.assert_allclose(geo.min_abs_differences(values, targets), brute)


@pytest.mark.parametrize("sparse", [False, True])
def test_nearest_centres_blocked_equal_loop(sparse):
    F, C = rows(0, 500, 4).astype(np.float32), rows(1, 37, 4).astype(np.float32)
    owner_ref = [int(np.argmin([np.sum((f - c) ** 2) for c in C])) for f in F]
    dist_ref = [np.sum((f - C[o]) ** 2) for f, o in zip(F, owner_ref)]
    block = sp.csr_matrix(F) if sparse else F
    whole = geo.nearest_centres(block, C)
    blocked = geo.nearest_centres(block, C, block_bytes=4 * 500 * 3)  # 3 a block
    for dist, owner in (whole, blocked):
        np.testing.assert_array_equal(owner, owner_ref)
        np.testing.assert_allclose(dist, dist_ref, rtol=1e-5, atol=1e-5)


def reference_farthest_first(X, n, value, reach, nearest):
    near = list(nearest)
    picks = []
    for _ in range(n):
        best, best_gain = None, -np.inf
        for i in range(len(X)):
            if i in picks:
                continue
            gain = value[i] * reach(near[i])
            if gain > best_gain:
                best, best_gain = i, gain
        picks.append(best)
        near = [min(near[i], np.linalg.norm(X[i] - X[best])) for i in range(len(X))]
    return picks


@pytest.mark.parametrize("sparse", [False, True])
def test_farthest_first_matches_loop(sparse):
    X = rows(6, 120, 3)
    value = np.random.RandomState(7).uniform(0.5, 1.0, 120)
    reach = lambda d: np.minimum(1.0, d / 0.8)  # noqa: E731
    nearest = np.full(120, np.inf)
    nearest[:5] = 0.1
    block = sp.csr_matrix(X) if sparse else X
    got = geo.farthest_first(block, 15, value=value, reach=reach, nearest=nearest)
    np.testing.assert_array_equal(
        got,
        reference_farthest_first(X, 15, value, lambda d: min(1.0, d / 0.8), nearest),
    )
    plain = geo.farthest_first(X, 10)
    ones = np.ones(120)
    np.testing.assert_array_equal(
        plain, reference_farthest_first(X, 10, ones, lambda d: d, np.full(120, np.inf))
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n_centres", [0, 1, 5])
@pytest.mark.parametrize("weighted", [False, True])
def test_lcmd_matches_reference(seed, n_centres, weighted):
    rng = np.random.RandomState(seed)
    F = rng.standard_normal((60, 3))
    C = rng.standard_normal((n_centres, 3))
    weight = rng.gamma(2.0, size=60) if weighted else np.ones(60)
    got = geo.lcmd(F, C, 12, row_weight=weight)
    np.testing.assert_array_equal(got, reference_lcmd(F, C, 12, weight))
    np.testing.assert_array_equal(
        geo.lcmd(sp.csr_matrix(F), C, 12, row_weight=weight), got
    )


def test_lcmd_never_picks_a_duplicate_while_distinct_rows_remain():
    base = rows(8, 10, 2)
    F = np.vstack([np.repeat(base[:2], 50, axis=0), base[2:]])
    weight = np.r_[np.full(100, 100.0), np.ones(8)]  # the copies score highest
    got = geo.lcmd(F, np.empty((0, 2)), 10, row_weight=weight, tol=1e-9)
    assert len(np.unique(F[got], axis=0)) == 10
    # and the whole pool is still reachable
    assert sorted(geo.lcmd(F[:3], F[3:5], 3)) == [0, 1, 2]


def test_kmeanspp_distinct_seeded_and_avoids_centres():
    F = np.vstack([np.zeros((50, 2)), rows(9, 30, 2)])
    C = np.zeros((1, 2))
    a = geo.kmeanspp(F, C, 20, random_state=0, tol=1e-9)
    b = geo.kmeanspp(F, C, 20, random_state=0, tol=1e-9)
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(a)) == 20
    # the 50 copies of the labeled row come only after every other row
    assert (a[:20] >= 50).all()
