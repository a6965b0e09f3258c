"""The first batch, before any label exists: representative, diverse rows."""

import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn.utils.validation import check_array

from ._geometry import farthest_first, feature_scales, min_distances, nearest_centres

# Above this many rows, k-means runs on mini-batches.
_FULL_KMEANS_ROWS = 100_000


@validate_params(
    {
        "X_pool": ["array-like", "sparse matrix"],
        "n": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def cold_start(X_pool, n, random_state=None):
    """Rows to label first, chosen from the inputs alone.

    Splits the pool into ``n`` clusters by k-means (k-means++ seeding, one
    run; mini-batch k-means above 100,000 rows) on standardized inputs, and
    returns, for each cluster, the row nearest to its centre. Every chosen
    row stands for a region of the pool (representative) and no two come
    from the same cluster (diverse). The positions are ordered by the size
    of their cluster, largest first.

    Each feature is divided by its standard deviation over the pool, so
    units do not matter; a sparse pool is scaled without centring and stays
    sparse.

    Parameters
    ----------
    X_pool : array-like or sparse matrix of shape (n_pool, n_features)
        Numeric rows: an array, a sparse matrix, or a DataFrame of numeric
        (or boolean) columns. Encode categorical or text columns first, for
        example with the ``Pipeline`` steps you will train with
        (``pipeline[:-1].fit_transform(X_pool)``).
    n : int
        Number of rows, at most the pool size.
    random_state : int, RandomState instance or None, default=None
        Seeds k-means; the same seed gives the same rows.

    Returns
    -------
    positions : ndarray of shape (n,)
        Distinct integer positions into ``X_pool``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_friedman1
    >>> import skactive
    >>> X, y = make_friedman1(n_samples=500, random_state=0)
    >>> first = skactive.cold_start(X, 10, random_state=0)
    >>> len(np.unique(first))
    10
    """
    if hasattr(X_pool, "dtypes"):
        kinds = {str(c): dt.kind for c, dt in zip(X_pool.columns, X_pool.dtypes)}
        bad = [c for c, kind in kinds.items() if kind not in "biuf"]
        if bad:
            raise TypeError(
                f"cold_start needs numeric columns; {bad} are not numeric. Encode "
                "them first, e.g. with the Pipeline steps you train with: "
                "cold_start(pipeline[:-1].fit_transform(X_pool), n)."
            )
    X = check_array(X_pool, accept_sparse="csr", dtype=[np.float64, np.float32])
    n_pool = X.shape[0]
    if n > n_pool:
        raise ValueError(
            f"n={n} is larger than the pool ({n_pool} rows); pass n <= {n_pool} "
            "or a larger X_pool."
        )
    rng = check_random_state(random_state)
    weights = 1.0 / feature_scales(X)
    Xs = X.multiply(weights[None, :]).tocsr() if sp.issparse(X) else X * weights
    seed = rng.randint(2**31 - 1)
    if n_pool > _FULL_KMEANS_ROWS:
        model = MiniBatchKMeans(
            n_clusters=n, n_init=1, random_state=seed, batch_size=4096
        )
    else:
        model = KMeans(n_clusters=n, n_init=1, random_state=seed)
    with warnings.catch_warnings():
        # Fewer distinct rows than n: handled below by filling the batch.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(Xs)
    # Each row's own (nearest) centre and the squared distance to it, in blocks.
    diff_sq, labels = nearest_centres(Xs, model.cluster_centers_)
    order = np.lexsort((np.arange(n_pool), diff_sq, labels))
    first_of_cluster = order[np.r_[True, labels[order][1:] != labels[order][:-1]]]
    sizes = np.bincount(labels, minlength=n)[labels[first_of_cluster]]
    picked = first_of_cluster[np.argsort(-sizes, kind="stable")]
    if picked.size < n:
        # Fewer non-empty clusters than n (many duplicate rows): fill with the
        # rows farthest from those already picked, so the batch stays diverse.
        picked = _fill_farthest(Xs, picked, n)
    return picked.astype(np.intp)


def _fill_farthest(Xs, picked, n):
    taken = np.zeros(Xs.shape[0], dtype=bool)
    taken[picked] = True
    more = farthest_first(
        Xs, n - picked.size, nearest=min_distances(Xs, Xs[picked]), exclude=taken
    )
    return np.concatenate([picked, more])
