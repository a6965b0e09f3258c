"""Geometry of rows: scaling, distances to a set, nearest centres, batch picks.

The one place where distances between rows are computed. Every function
keeps memory O(N): a block of rows times a block of references at a time,
never an N x N or N x n_references matrix, and a sparse matrix is densified
one block of rows at a time. Strategies, batch rules, ``cold_start`` and
``synthesize`` compose these pieces; ``tests/test_geometry.py`` compares each
with a plain loop over rows.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_random_state, gen_batches

# Keep one block of pairwise distances under this many float64 entries.
BLOCK_ENTRIES = 4 * 2**20


def top_n(scores, n):
    """Positions of the ``n`` highest scores, best first (ties: lowest position)."""
    scores = np.asarray(scores, dtype=float)
    if n >= scores.shape[0]:
        return np.argsort(-scores, kind="stable")
    head = np.argpartition(-scores, n - 1)[:n]
    return head[np.lexsort((head, -scores[head]))]


def largest(values, k):
    """Positions of the ``k`` largest ``values`` (any order), and the largest
    value left out (-inf when nothing is left out)."""
    n = values.shape[0]
    if k >= n:
        return np.arange(n), -np.inf
    part = np.argpartition(values, n - k - 1)
    return part[n - k :], values[part[n - k - 1]]


def as_model_matrix(X):
    """A 2-d float array or CSR matrix of finite values, without copying float64."""
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        if not np.isfinite(X.data).all():
            raise ValueError(
                "Distances between rows need finite values, and the rows the model "
                "sees hold NaN or infinite values; impute them first."
            )
        return X
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    X = np.asarray(X)
    if X.dtype.kind not in "fiub":
        raise TypeError(
            f"Distances need numeric rows; the model sees dtype {X.dtype}. "
            "Encode non-numeric columns first (e.g. put a OneHotEncoder in a Pipeline)."
        )
    if X.dtype.kind != "f":
        X = X.astype(float)
    if not np.isfinite(X).all():
        raise ValueError(
            "Distances between rows need finite values, and the rows the model "
            "sees hold NaN or infinite values; impute them first, e.g. "
            "estimator=make_pipeline(SimpleImputer(), your_regressor)."
        )
    return X


def _row_block(n_rows, n_columns):
    return max(256, BLOCK_ENTRIES // max(n_columns, 1))


def feature_scales(*blocks):
    """Standard deviation of each feature over the rows of all ``blocks``.

    Computed in chunks (Chan's pairwise update of mean and sum of squares),
    so a large or sparse block is never copied or densified whole. Features
    with no spread get scale 1.
    """
    count, mean, m2 = 0, None, None
    for X in blocks:
        for rows in gen_batches(X.shape[0], _row_block(X.shape[0], X.shape[1])):
            chunk = X[rows]
            k = chunk.shape[0]
            if sp.issparse(chunk):
                c_mean = np.asarray(chunk.mean(axis=0), dtype=float).ravel()
                c_sq = chunk.multiply(chunk).mean(axis=0)
                c_sq = np.asarray(c_sq, dtype=float).ravel()
                c_m2 = np.maximum(c_sq - c_mean**2, 0.0) * k
            else:
                chunk = np.asarray(chunk, dtype=float)
                c_mean = chunk.mean(axis=0)
                c_m2 = ((chunk - c_mean) ** 2).sum(axis=0)
            if mean is None:
                count, mean, m2 = k, c_mean, c_m2
                continue
            total = count + k
            delta = c_mean - mean
            mean = mean + delta * (k / total)
            m2 = m2 + c_m2 + delta**2 * (count * k / total)
            count = total
    scale = np.sqrt(m2 / max(count, 1))
    return np.where(scale > 0, scale, 1.0)


def scaled_rows(X, weights=None):
    """Rows of ``X`` times per-feature ``weights``, as a dense float array."""
    if weights is None:
        if sp.issparse(X):
            return X.toarray().astype(float)
        return np.asarray(X, dtype=float)
    if sp.issparse(X):
        return np.asarray(X.multiply(weights[None, :]).toarray(), dtype=float)
    return np.asarray(X, dtype=float) * weights


def sq_row_norms(X, weights=None):
    """``||x * weights||^2`` of each row, in chunks."""
    out = np.empty(X.shape[0])
    w2 = np.ones(X.shape[1]) if weights is None else weights**2
    for rows in gen_batches(X.shape[0], _row_block(X.shape[0], X.shape[1])):
        chunk = X[rows]
        if sp.issparse(chunk):
            out[rows] = np.asarray(chunk.multiply(chunk) @ w2, dtype=float).ravel()
        else:
            chunk = np.asarray(chunk, dtype=float)
            out[rows] = (chunk * chunk) @ w2
    return out


def sq_distances_to_row(X, sq_norms, z, weights=None):
    """Squared scaled distance of every row of ``X`` to one unscaled dense row ``z``.

    One matrix-vector product over ``X`` (dense or sparse, no copy of ``X``)
    and in-place vector updates. Values within rounding of 0 may be
    slightly negative; callers clip once at the end.
    """
    z = np.asarray(z, dtype=float).ravel()
    zw2 = z if weights is None else z * weights**2
    # Match a float32 pool's dtype so the product never copies the pool.
    out = np.asarray(X @ zw2.astype(X.dtype, copy=False), dtype=float).ravel()
    out *= -2.0
    out += sq_norms
    out += float(z @ zw2)
    return out


def pairwise_sq_distances(A, B, weights=None):
    """Squared scaled distances between the rows of two small blocks."""
    A, B = scaled_rows(A, weights), scaled_rows(B, weights)
    sq = A @ B.T
    sq *= -2.0
    sq += np.einsum("ij,ij->i", A, A)[:, None]
    sq += np.einsum("ij,ij->i", B, B)[None, :]
    return np.maximum(sq, 0.0, out=sq)


def min_sq_distances(X, Z, weights=None, pair_factor=None, chunk_rows=None):
    """For each row of ``X``: min over rows ``m`` of ``Z`` of ``d(x, z_m)^2 * w(x, m)``.

    Blocks of rows of ``X`` and ``Z`` are combined so that no more than
    about ``BLOCK_ENTRIES`` distances exist at once; neither an
    ``n_X x n_Z`` matrix nor a dense copy of ``X`` is ever built.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n, d)
    Z : ndarray or CSR matrix of shape (m, d)
    weights : ndarray of shape (d,), default=None
        Per-feature factors (1 / scale); None for none.
    pair_factor : callable, default=None
        ``pair_factor(rows, cols)`` returns a non-negative
        (len(rows), len(cols)) array that multiplies the squared distances
        before the minimum (iGS: the squared output differences).
    chunk_rows : int, default=None
        Rows of ``X`` per block (for tests).

    Returns
    -------
    sq : ndarray of shape (n,)
        ``inf`` where ``Z`` is empty.
    """
    n, m = X.shape[0], Z.shape[0]
    out = np.full(n, np.inf)
    if m == 0:
        return out
    z_block = min(m, 2048)
    x_block = chunk_rows or max(256, BLOCK_ENTRIES // max(z_block, X.shape[1], 1))
    for cols in gen_batches(m, z_block):
        Zs = scaled_rows(Z[cols], weights)
        z_sq = np.einsum("ij,ij->i", Zs, Zs)
        for rows in gen_batches(n, x_block):
            Xs = scaled_rows(X[rows], weights)
            sq = Xs @ Zs.T
            sq *= -2.0
            sq += np.einsum("ij,ij->i", Xs, Xs)[:, None]
            sq += z_sq[None, :]
            if pair_factor is not None:
                sq *= pair_factor(rows, cols)
            np.minimum(out[rows], sq.min(axis=1), out=out[rows])
    return np.maximum(out, 0.0, out=out)


def min_distances(X, Z, weights=None):
    """For each row of ``X``: the distance to the nearest row of ``Z``."""
    return np.sqrt(min_sq_distances(X, Z, weights))


def min_abs_differences(values, targets):
    """For each value: min over ``targets`` of ``|value - target|`` (sorted search)."""
    targets = np.sort(np.asarray(targets, dtype=float))
    right = np.searchsorted(targets, values).clip(0, targets.size - 1)
    left = (right - 1).clip(0, targets.size - 1)
    return np.minimum(np.abs(values - targets[right]), np.abs(values - targets[left]))


def nearest_centres(F, C, block_bytes=32 * 2**20):
    """Squared distance of each row of ``F`` to its nearest row of ``C``, and which.

    ``F`` may be sparse; ``C`` is dense. Computed in blocks of centres, so no
    (rows x centres) matrix is kept. Ties go to the first centre. The result
    has ``F``'s float dtype (float32 stays float32).

    Returns
    -------
    sq : ndarray of shape (n_rows,)
        ``inf`` where ``C`` is empty.
    owner : ndarray of shape (n_rows,)
        Index of the nearest centre, -1 where ``C`` is empty.
    """
    n = F.shape[0]
    dtype = np.float32 if F.dtype == np.float32 else np.float64
    best = np.full(n, np.inf, dtype=dtype)
    owner = np.full(n, -1, dtype=np.intp)
    if C.shape[0] == 0:
        return best, owner
    C = np.asarray(C, dtype=dtype)
    if sp.issparse(F):
        sq_norms = np.asarray(F.multiply(F).sum(axis=1), dtype=dtype).ravel()
    else:
        sq_norms = np.einsum("ij,ij->i", F, F)
    c_norms = np.einsum("ij,ij->i", C, C)
    step = max(1, block_bytes // (np.dtype(dtype).itemsize * max(n, 1)))
    for start in range(0, C.shape[0], step):
        block = slice(start, start + step)
        # The row's own norm does not change which centre is nearest: add it last.
        d = np.asarray(F @ C[block].T, dtype=dtype)
        d *= -2.0
        d += c_norms[block][None, :]
        arg = np.argmin(d, axis=1)
        val = np.maximum(d[np.arange(n), arg] + sq_norms, 0.0)
        better = val < best
        best[better] = val[better]
        owner[better] = arg[better] + start
    return best, owner


def farthest_first(
    X, n, *, value=None, reach=None, nearest=None, exclude=None, weights=None
):
    """Greedy max-min picks: each maximises ``value * reach(distance to the picks)``.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_rows, d)
    n : int
        Picks to make, at most ``n_rows``.
    value : ndarray of shape (n_rows,), default=None
        A non-negative factor per row (1 for all when None).
    reach : callable, default=None
        Applied to the distance to the nearest pick (or row of ``nearest``);
        the identity when None (plain farthest-first traversal).
    nearest : ndarray of shape (n_rows,), default=None
        Distances to rows picked before this call (``inf`` when None).
    exclude : ndarray of shape (n_rows,) of bool, default=None
        Rows never to pick (those picked before this call).
    weights : ndarray of shape (d,), default=None
        Per-feature factors of the distances.

    Returns
    -------
    positions : ndarray of shape (n,)
        In the order picked; ties go to the lowest position.
    """
    n_rows = X.shape[0]
    value = np.ones(n_rows) if value is None else np.asarray(value, dtype=float)
    near = np.full(n_rows, np.inf)
    if nearest is not None:
        near = np.array(nearest, dtype=float)
    sq_norms = sq_row_norms(X, weights)
    taken = np.zeros(n_rows, dtype=bool) if exclude is None else np.array(exclude, bool)
    picks = np.empty(n, dtype=np.intp)
    for j in range(n):
        factor = near if reach is None else reach(near)
        with np.errstate(invalid="ignore"):
            gain = value * factor
        gain = np.where(np.isnan(gain), 0.0, gain)
        gain[taken] = -np.inf
        pick = int(np.argmax(gain))
        picks[j], taken[pick] = pick, True
        z = scaled_rows(X[pick : pick + 1]).ravel()
        d = np.sqrt(np.maximum(sq_distances_to_row(X, sq_norms, z, weights), 0.0))
        np.minimum(near, d, out=near)
    return picks


def lcmd(F, C, n, row_weight=None, tol=0.0):
    """Largest-cluster maximum-distance picks (Holzmüller et al. 2023).

    The rows of ``C`` (labeled rows) and the rows picked so far are centres;
    every row of ``F`` belongs to its nearest centre and carries the mass
    ``row_weight * squared distance to it``. The next pick is, within the
    cluster of the largest total mass, the row of the largest mass. With a
    ``row_weight`` (a score per row) this is LCMD in the kernel scaled by the
    score. A row within ``tol`` of a centre has no mass; once no row has
    mass left, the picks continue farthest-first from the rows already
    picked, so no two picks coincide while distinct rows remain.

    Parameters
    ----------
    F : ndarray of shape (n_rows, d)
    C : ndarray of shape (n_centres, d)
    n : int
        Picks, at most ``n_rows``.
    row_weight : ndarray of shape (n_rows,), default=None
        Non-negative factor per row; 1 when None.
    tol : float, default=0.0
        Distance under which a row counts as a duplicate of a centre.

    Returns
    -------
    positions : ndarray of shape (n,)
        In the order picked.
    """
    F, C = _as_rows(F), _as_centres(C, F)
    n_rows, n_centres = F.shape[0], C.shape[0]
    weight = np.ones(n_rows) if row_weight is None else np.asarray(row_weight, float)
    tol_sq = float(tol) ** 2
    dist, owner = nearest_centres(F, C)
    dist = dist.astype(float)
    picks = _Picks(F, n)
    for k in range(n):
        if n_centres + k == 0:
            # No centre yet: start at the row farthest from the rows' mean.
            centre = np.asarray(F.mean(axis=0), dtype=float).ravel()
            mass = weight * sq_distances_to_row(F, picks.sq_norms, centre)
            mass[picks.chosen] = -np.inf
            pick = int(np.argmax(mass))
        else:
            mass = np.where(dist > tol_sq, weight * dist, 0.0)
            mass[picks.chosen] = 0.0
            total = np.bincount(owner, weights=mass, minlength=n_centres + n)
            if total.max() > 0:
                cluster = int(np.argmax(total))
                pick = int(np.argmax(np.where(owner == cluster, mass, -1.0)))
            else:
                pick = picks.farthest()
        d = picks.take(k, pick)
        closer = d < dist
        dist[closer] = d[closer]
        owner[closer] = n_centres + k
        dist[pick] = 0.0
        owner[pick] = n_centres + k
    return picks.positions


def kmeanspp(F, C, n, row_weight=None, tol=0.0, random_state=None, power=2.0):
    """k-means++ picks: probability ``row_weight * distance to the centres ** power``.

    The rows of ``C`` and the rows picked so far are the centres (Arthur &
    Vassilvitskii 2007; with a score as ``row_weight``, BADGE-style sampling,
    Ash et al. 2020). Rows within ``tol`` of a centre have probability 0;
    once every row has probability 0, the picks continue farthest-first
    from the rows already picked.

    Returns
    -------
    positions : ndarray of shape (n,)
        In the order drawn.
    """
    rng = check_random_state(random_state)
    F = _as_rows(F)
    n_rows = F.shape[0]
    weight = np.ones(n_rows) if row_weight is None else np.asarray(row_weight, float)
    dist, _ = nearest_centres(F, _as_centres(C, F))
    dist = np.where(np.isinf(dist), 1.0, dist).astype(float)
    picks = _Picks(F, n)
    tol_sq = float(tol) ** 2
    for k in range(n):
        p = np.where((dist > tol_sq) & ~picks.chosen, weight * dist ** (power / 2), 0.0)
        total = p.sum()
        if total > 0:
            pick = int(rng.choice(n_rows, p=p / total))
        else:
            pick = picks.farthest()
        np.minimum(dist, picks.take(k, pick), out=dist)
        dist[pick] = 0.0
    return picks.positions


class _Picks:
    """The rows picked so far, in order, and every row's squared distance to them.

    Shared by the greedy pickers (:func:`lcmd`, :func:`kmeanspp`): ``take``
    records a pick and returns every row's squared distance to it;
    ``farthest`` is the fallback once no row has mass or probability left,
    the unpicked row farthest from the picks (ties: lowest position).
    """

    def __init__(self, F, n):
        self.F = F
        self.sq_norms = sq_row_norms(F)
        self.chosen = np.zeros(F.shape[0], dtype=bool)
        self.from_batch = np.full(F.shape[0], np.inf)
        self.positions = np.empty(n, dtype=np.intp)

    def farthest(self):
        return int(np.argmax(np.where(self.chosen, -1.0, self.from_batch)))

    def take(self, k, pick):
        self.positions[k] = pick
        self.chosen[pick] = True
        d = sq_distances_to_row(self.F, self.sq_norms, _row(self.F, pick))
        d = np.maximum(d, 0.0)
        np.minimum(self.from_batch, d, out=self.from_batch)
        return d


def _as_rows(F):
    return sp.csr_matrix(F) if sp.issparse(F) else np.ascontiguousarray(F)


def _as_centres(C, F):
    C = C.toarray() if sp.issparse(C) else C
    return np.ascontiguousarray(C, dtype=F.dtype).reshape(-1, F.shape[1])


def _row(F, i):
    return scaled_rows(F[i : i + 1]).ravel()
