"""Row identity: what makes a pool row "the same row" across edits of its file.

A row is identified by a digest of its feature values, normalised so that a
re-saved file gives the same digest:

* a number is compared as a float64 (``2``, ``2.0``, ``"2"`` and ``" 2.0 "``
  are the same value; ``-0.0`` is ``0.0``; ``True``/``False`` are 1 and 0);
* text is compared with its surrounding spaces stripped;
* a missing value (``NaN``, ``None``, an empty or blank cell, or a cell
  pandas reads as missing) is the same whatever wrote it;
* the columns are taken by name, so their order does not matter.

Identical rows share a digest; the k-th of them (in pool order) is told apart
by its occurrence number ``k``. A key column (``id=``) replaces the digest:
then the key alone identifies the row, and its features may be corrected.
"""

import hashlib

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["pool_fingerprint", "row_identities", "normalized_columns", "same_cell"]

_CANONICAL_NAN = np.float64(np.nan)
_TRUE_WORDS = {"true": 1.0, "false": 0.0}


def pool_fingerprint(X_pool):
    """SHA-256 of a pool's shape, column names, dtypes and values.

    Sessions of format 1 identified their pool by this fingerprint; format 2
    identifies each row (:func:`row_identities`) and uses the fingerprint only
    to upgrade a format-1 file.

    Parameters
    ----------
    X_pool : array-like, DataFrame or sparse matrix of shape (n_pool, n_features)

    Returns
    -------
    fingerprint : str
        Hex digest; equal pools (same rows in the same order) give equal
        fingerprints. The index of a DataFrame is ignored.

    Examples
    --------
    >>> import numpy as np
    >>> from skactive.session import pool_fingerprint
    >>> X = np.arange(6.0).reshape(3, 2)
    >>> pool_fingerprint(X) == pool_fingerprint(X.copy())
    True
    >>> pool_fingerprint(X) == pool_fingerprint(X[::-1])
    False
    """
    digest = hashlib.sha256()

    def add(*parts):
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode()
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)

    if isinstance(X_pool, pd.DataFrame):
        add("frame", X_pool.shape, list(map(str, X_pool.columns)))
        add([str(dtype) for dtype in X_pool.dtypes])
        for _, column in X_pool.items():
            hashed = pd.util.hash_pandas_object(column, index=False)
            add(hashed.to_numpy().tobytes())
    elif sp.issparse(X_pool):
        X = sp.csr_matrix(X_pool)
        X.sort_indices()
        add("sparse", X.shape, X.dtype)
        add(X.indptr.tobytes(), X.indices.tobytes(), X.data.tobytes())
    else:
        X = np.asarray(X_pool)
        add("array", X.shape, X.dtype)
        if X.dtype == object:
            frame = pd.DataFrame(X.reshape(X.shape[0], -1))
            for _, column in frame.items():
                add(
                    pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes()
                )
        else:
            add(np.ascontiguousarray(X).tobytes())
    return digest.hexdigest()


def column_names(X_pool):
    """The pool's column names as strings (array columns are ``"0"``, ``"1"``...)."""
    if isinstance(X_pool, pd.DataFrame):
        return [str(c) for c in X_pool.columns]
    n_columns = X_pool.shape[1] if len(np.shape(X_pool)) > 1 else 1
    return [str(j) for j in range(n_columns)]


def normalize_column(values):
    """One column as (numbers, texts): a float64 per cell, and text or None.

    A cell that is a number (or text that reads as one) has its float64 in
    ``numbers`` and None in ``texts``; a text cell has NaN in ``numbers`` and
    its stripped text in ``texts``; a missing cell has NaN and None.
    """
    series = pd.Series(values, copy=False).reset_index(drop=True)
    if pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype(float)
    if pd.api.types.is_numeric_dtype(series.dtype) and not isinstance(
        series.dtype, pd.CategoricalDtype
    ):
        numbers = series.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
        texts = np.full(numbers.shape, None, dtype=object)
    else:
        pairs = [_normalize_cell(v) for v in series.astype(object)]
        numbers = np.array([p[0] for p in pairs], dtype=np.float64)
        texts = np.array([p[1] for p in pairs] + [None], dtype=object)[:-1]
    numbers[numbers == 0] = 0.0  # -0.0 is 0.0
    numbers[np.isnan(numbers)] = _CANONICAL_NAN
    return numbers, texts


# The strings pandas.read_csv reads as missing by default.
_NA_WORDS = frozenset(
    [
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
    ]
)


def _normalize_cell(value):
    """(float64, None) for a number, (NaN, text) for text, (NaN, None) if missing."""
    if isinstance(value, (bool, np.bool_)):
        return float(value), None
    if isinstance(value, (int, float, np.number)):
        return float(value), None
    if value is None or value is pd.NA or value is pd.NaT:
        return np.nan, None
    text = value.strip() if isinstance(value, str) else str(value).strip()
    if text == "" or text in _NA_WORDS:
        return np.nan, None
    if text.lower() in _TRUE_WORDS:
        return _TRUE_WORDS[text.lower()], None
    try:
        return float(text), None
    except ValueError:
        return np.nan, text


def normalized_columns(X_pool, columns=None):
    """Every column of the pool, normalised (see :func:`normalize_column`).

    ``columns`` picks DataFrame columns by name, in that order.
    """
    if isinstance(X_pool, pd.DataFrame):
        names = list(X_pool.columns) if columns is None else columns
        by_name = {str(c): c for c in X_pool.columns}
        return [normalize_column(X_pool[by_name[str(c)]]) for c in names]
    X = np.asarray(X_pool)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    return [normalize_column(X[:, j]) for j in range(X.shape[1])]


def _digests(columns, n_rows):
    numbers = (
        np.column_stack([c[0] for c in columns]) if columns else np.empty((n_rows, 0))
    )
    numbers = np.ascontiguousarray(numbers, dtype="<f8")
    text_columns = [
        (j, texts)
        for j, (_, texts) in enumerate(columns)
        if any(t is not None for t in texts)
    ]
    out = []
    for i in range(n_rows):
        digest = hashlib.sha256(numbers[i].tobytes())
        for j, texts in text_columns:
            text = texts[i]
            if text is not None:
                data = text.encode("utf-8", "surrogatepass")
                digest.update(j.to_bytes(4, "little") + len(data).to_bytes(8, "little"))
                digest.update(data)
        out.append(digest.hexdigest()[:32])
    return out


def _sparse_digests(X):
    X = sp.csr_matrix(X, dtype=np.float64, copy=True)
    X.eliminate_zeros()
    X.sort_indices()
    data = X.data.astype("<f8")
    data[np.isnan(data)] = _CANONICAL_NAN
    indices = X.indices.astype("<i8")
    out = []
    for i in range(X.shape[0]):
        start, stop = X.indptr[i], X.indptr[i + 1]
        digest = hashlib.sha256(b"sparse")
        digest.update(indices[start:stop].tobytes())
        digest.update(data[start:stop].tobytes())
        out.append(digest.hexdigest()[:32])
    return out


def key_token(value):
    """A key cell as text: numbers as float64 (``7`` == ``7.0``), text stripped."""
    numbers, texts = normalize_column(pd.Series([value], dtype=object))
    if texts[0] is not None:
        return "t:" + texts[0]
    if np.isnan(numbers[0]):
        return None
    return "n:" + repr(float(numbers[0]))


def row_identities(X_pool, *, columns=None, keys=None):
    """One identity string per pool row.

    Parameters
    ----------
    X_pool : array-like, DataFrame or sparse matrix of shape (n_pool, n_features)
    columns : list of str, default=None
        DataFrame columns to digest, in this order (default: all).
    keys : array-like of shape (n_pool,), default=None
        One key per row; the key then identifies the row instead of its
        features. Keys must be unique and not missing.

    Returns
    -------
    identities : list of str
        ``"key:<key>"`` for a key, else ``"row:<digest>:<k>"`` for the k-th
        row (from 0, in pool order) with those feature values.
    """
    if keys is not None:
        tokens = [key_token(v) for v in keys]
        missing = [i for i, t in enumerate(tokens) if t is None]
        if missing:
            raise ValueError(
                f"The key of {len(missing)} pool row(s) is missing (positions "
                f"{missing[:10]}); every row to label needs a key."
            )
        seen, repeated = set(), []
        for token in tokens:
            if token in seen:
                repeated.append(token.split(":", 1)[1])
            seen.add(token)
        if repeated:
            raise ValueError(
                f"The key is not unique: {sorted(set(repeated))[:10]} appear more "
                "than once among the rows to label; name a column with one "
                "distinct value per row."
            )
        return ["key:" + t for t in tokens]
    if sp.issparse(X_pool):
        digests = _sparse_digests(X_pool)
    else:
        n_rows = X_pool.shape[0] if hasattr(X_pool, "shape") else len(X_pool)
        digests = _digests(normalized_columns(X_pool, columns), n_rows)
    counts, out = {}, []
    for digest in digests:
        k = counts.get(digest, 0)
        counts[digest] = k + 1
        out.append(f"row:{digest}:{k}")
    return out


def same_cell(a, b, rtol=1e-9):
    """Whether two normalised cells (number, text) hold the same value.

    Numbers match within a relative tolerance (a spreadsheet may rewrite
    their last digit); missing matches missing; text matches stripped text.
    """
    (x, s), (y, t) = a, b
    if s is not None or t is not None:
        return s == t
    if np.isnan(x) or np.isnan(y):
        return bool(np.isnan(x) and np.isnan(y))
    return bool(x == y or abs(x - y) <= rtol * max(abs(x), abs(y)))


def describe_row(X_pool, position, max_chars=160):
    """A short ``column=value`` description of one pool row, for messages."""
    if isinstance(X_pool, pd.DataFrame):
        row = X_pool.iloc[position]
        parts = [f"{c}={_short(v)}" for c, v in row.items()]
    elif sp.issparse(X_pool):
        row = sp.csr_matrix(X_pool)[position]
        parts = [f"x{j}={_short(v)}" for j, v in zip(row.indices, row.data)]
    else:
        row = np.asarray(X_pool)[position]
        parts = [f"x{j}={_short(v)}" for j, v in enumerate(np.ravel(row))]
    text = ", ".join(parts)
    return text if len(text) <= max_chars else text[: max_chars - 3] + "..."


def _short(value):
    if isinstance(value, (float, np.floating)):
        return f"{value:.6g}"
    return str(value)
