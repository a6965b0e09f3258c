"""The domain of the rows a learner saw: what ``synthesize`` may propose.

``fit`` records a :class:`Domain` in ``domain_`` (the range of each numeric
column, whether its values are integers, the values a categorical column
took); ``teach`` widens it. A leaf: it imports nothing from the package.
"""

import numbers

import numpy as np
import pandas as pd
import scipy.sparse as sp
from pandas.api.types import (
    is_bool_dtype,
    is_integer_dtype,
    is_numeric_dtype,
)
from sklearn.utils import gen_batches

# Rows per block when scanning a large X for its domain.
_BLOCK_ROWS = 65536


class Domain:
    """The valid rows of a data set: ranges, integer columns and categories.

    Built by :func:`learn_domain`; a learner keeps one in ``domain_``.

    Parameters
    ----------
    container : {"dataframe", "array", "sparse"}
        What rows the domain produces.
    columns : list
        Column names (DataFrame) or positions.
    specs : list of dict
        One per column: ``kind`` ("real", "integer", "category", "empty" or
        "unsupported"), ``low``/``high`` for numeric columns, ``values`` for
        categorical ones, and the column's ``dtype``.
    """

    def __init__(self, container, columns, specs):
        self.container = container
        self.columns = list(columns)
        self.specs = specs

    def __repr__(self):
        parts = []
        for name, spec in zip(self.columns, self.specs):
            if spec["kind"] in ("real", "integer"):
                parts.append(
                    f"{name}: {spec['kind']} [{spec['low']:g}, {spec['high']:g}]"
                )
            elif spec["kind"] == "category":
                parts.append(f"{name}: {len(spec['values'])} categories")
            else:
                parts.append(f"{name}: {spec['kind']}")
        return f"Domain({'; '.join(parts)})"

    @property
    def n_features(self):
        return len(self.specs)

    # ----------------------------------------------------------- combine

    def union(self, X):
        """The smallest domain holding this one and the rows of ``X``."""
        other = learn_domain(X)
        if other.n_features != self.n_features:
            return self
        specs = []
        for mine, theirs in zip(self.specs, other.specs):
            specs.append(_union_spec(mine, theirs))
        return Domain(self.container, self.columns, specs)

    def restricted(self, bounds):
        """This domain with the user's ``bounds`` in place of the learned ones.

        Parameters
        ----------
        bounds : dict or sequence
            A dict from column (name or position) to ``(low, high)`` for a
            numeric column or a list of allowed values for a categorical one;
            or a sequence with one such entry (or None: keep the learned one)
            per column.
        """
        if bounds is None:
            return self
        if isinstance(bounds, dict):
            items = list(bounds.items())
        else:
            try:
                entries = list(bounds)
            except TypeError:
                raise TypeError(
                    "bounds must be a dict {column: (low, high) or [values]} or a "
                    f"sequence with one entry per column; got {type(bounds).__name__}."
                ) from None
            if len(entries) != self.n_features:
                raise ValueError(
                    f"bounds has {len(entries)} entries but the learner has "
                    f"{self.n_features} features; pass one (low, high) pair (or "
                    "None) per feature, or a dict {column: (low, high)}."
                )
            items = [(i, e) for i, e in enumerate(entries) if e is not None]
        specs = [dict(spec) for spec in self.specs]
        for key, entry in items:
            position = self._position(key)
            specs[position] = _bounded_spec(
                specs[position], entry, self.columns[position]
            )
        return Domain(self.container, self.columns, specs)

    def _position(self, key):
        if key in self.columns and not isinstance(key, (bool, np.bool_)):
            return self.columns.index(key)
        if isinstance(key, numbers.Integral) and not isinstance(key, (bool, np.bool_)):
            if 0 <= key < self.n_features:
                return int(key)
        raise ValueError(
            f"bounds names column {key!r}, which the learner was not fit on; use "
            f"one of {self.columns[:10]}{'...' if self.n_features > 10 else ''} "
            f"or a position in [0, {self.n_features})."
        )

    # ------------------------------------------------------------ sample

    def check_samplable(self):
        """Raise if some column has no value to sample from."""
        for name, spec in zip(self.columns, self.specs):
            if spec["kind"] == "unsupported":
                raise ValueError(
                    f"Column {name!r} holds values of a type that cannot be "
                    f"synthesized ({spec['dtype']}); pass bounds={{{name!r}: [...]}} "
                    "listing the values it may take."
                )

    def sample(self, n, rng):
        """``n`` rows drawn uniformly in the domain, as a column list."""
        return [_sample_column(spec, n, rng) for spec in self.specs]

    def perturb(self, columns, step, rng):
        """Rows near ``columns``: numeric columns moved by ``step`` of their range."""
        out = []
        for spec, values in zip(self.specs, columns):
            kind = spec["kind"]
            if kind in ("real", "integer"):
                scale = min(2 * step * _half_width(spec), np.finfo(float).max)
                with np.errstate(over="ignore", invalid="ignore"):
                    moved = values + rng.normal(scale=scale, size=values.shape[0])
                moved = np.clip(moved, spec["low"], spec["high"])
                if kind == "integer":
                    moved = np.round(moved)
                out.append(moved)
            elif kind == "category":
                redraw = rng.uniform(size=values.shape[0]) < step
                fresh = _sample_column(spec, values.shape[0], rng)
                out.append(np.where(redraw, fresh, values))
            else:
                out.append(values)
        return out

    def take(self, columns, positions):
        return [values[positions] for values in columns]

    def encode(self, columns):
        """Rows in a standardized space: numeric columns scaled to [0, 1],
        categories one-hot with distinct categories at distance 1."""
        blocks = []
        for spec, values in zip(self.specs, columns):
            kind = spec["kind"]
            if kind in ("real", "integer"):
                # In halves, so a range as wide as the floats cannot overflow.
                half = _half_width(spec)
                scaled = (
                    (values / 2 - spec["low"] / 2) / half if half > 0 else values * 0.0
                )
                blocks.append(np.asarray(scaled, dtype=float)[:, None])
            elif kind == "category" and len(spec["values"]) > 1:
                codes = pd.Index(spec["values"]).get_indexer(values)
                onehot = np.zeros((values.shape[0], len(spec["values"])))
                onehot[np.arange(values.shape[0]), codes] = np.sqrt(0.5)
                blocks.append(onehot)
        if not blocks:
            return np.zeros((columns[0].shape[0] if columns else 0, 1))
        return np.hstack(blocks)

    def effective_dim(self):
        """Number of columns that vary (for the spacing of ``n`` rows)."""
        dim = 0
        for spec in self.specs:
            if (
                spec["kind"] in ("real", "integer")
                and spec["high"] > spec["low"]
                or spec["kind"] == "category"
                and len(spec["values"]) > 1
            ):
                dim += 1
        return max(dim, 1)

    def assemble(self, columns):
        """The rows as the learner takes them: DataFrame, array or CSR matrix."""
        if self.container == "dataframe":
            data = {}
            for name, spec, values in zip(self.columns, self.specs, columns):
                data[name] = _as_dtype(values, spec)
            return pd.DataFrame(data, columns=self.columns)
        matrix = (
            np.column_stack([np.asarray(values, dtype=float) for values in columns])
            if columns
            else np.zeros((0, 0))
        )
        return sp.csr_matrix(matrix) if self.container == "sparse" else matrix


def learn_domain(X):
    """The domain of the rows of ``X``.

    Parameters
    ----------
    X : DataFrame, ndarray or sparse matrix of shape (n_samples, n_features)

    Returns
    -------
    domain : Domain
    """
    if isinstance(X, pd.DataFrame):
        specs = [_frame_column_spec(X.iloc[:, i]) for i in range(X.shape[1])]
        return Domain("dataframe", list(X.columns), specs)
    if sp.issparse(X):
        return Domain("sparse", list(range(X.shape[1])), _sparse_specs(X))
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"Expected 2D rows to learn a domain from; got {X.ndim}D.")
    if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.bool_):
        specs = [_category_spec(pd.Series(X[:, i])) for i in range(X.shape[1])]
        return Domain("array", list(range(X.shape[1])), specs)
    return Domain("array", list(range(X.shape[1])), _array_specs(X))


def _half_width(spec):
    """Half the range of a numeric column, finite for any finite bounds."""
    return spec["high"] / 2 - spec["low"] / 2


def _uniform(spec, n, rng):
    """Uniform draws in [low, high], even when ``high - low`` overflows."""
    middle = spec["low"] / 2 + spec["high"] / 2
    values = middle + (2 * rng.random_sample(n) - 1) * _half_width(spec)
    return np.clip(values, spec["low"], spec["high"])


def _sample_column(spec, n, rng):
    kind = spec["kind"]
    if kind == "real":
        return _uniform(spec, n, rng)
    if kind == "integer":
        low, high = int(spec["low"]), int(spec["high"])
        int64 = np.iinfo(np.int64)
        if low < int64.min // 2 or high > int64.max // 2:
            # Beyond what randint takes: uniform, then the nearest integer
            # (floats this large are integers anyway).
            return np.clip(np.round(_uniform(spec, n, rng)), spec["low"], spec["high"])
        return rng.randint(low, high + 1, size=n).astype(float)
    if kind == "category":
        values = spec["values"]
        return values[rng.randint(len(values), size=n)]
    return np.full(n, np.nan)


def _as_dtype(values, spec):
    dtype = spec["dtype"]
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(values, dtype=dtype)
    if isinstance(dtype, np.dtype):
        if dtype.kind in "iu":
            info = np.iinfo(dtype)
            values = np.clip(np.asarray(values, dtype=float), info.min, info.max)
            # float(info.max) rounds up past the largest integer of the dtype.
            values = np.where(values >= float(info.max), info.max, values)
            return pd.Series(np.asarray(values).astype(dtype), dtype=dtype)
        # A Series of the exact dtype: a DataFrame would infer pandas' str
        # dtype from an object column of strings.
        return pd.Series(np.asarray(values).astype(dtype), dtype=dtype)
    return pd.array(values, dtype=dtype)


def _numeric_spec(low, high, integer, dtype):
    if not (np.isfinite(low) and np.isfinite(high)):
        return {"kind": "empty", "dtype": dtype}
    kind = "integer" if integer else "real"
    return {"kind": kind, "low": float(low), "high": float(high), "dtype": dtype}


def _frame_column_spec(column):
    dtype = column.dtype
    if is_bool_dtype(dtype) or not is_numeric_dtype(dtype):
        return _category_spec(column)
    values = column.to_numpy(dtype=float, na_value=np.nan)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"kind": "empty", "dtype": dtype}
    integer = is_integer_dtype(dtype) or bool(np.all(finite == np.round(finite)))
    return _numeric_spec(finite.min(), finite.max(), integer, dtype)


def _category_spec(column):
    try:
        values = pd.unique(column.dropna())
    except TypeError:
        return {"kind": "unsupported", "dtype": column.dtype}
    values = np.asarray(values, dtype=object)
    if values.size == 0:
        return {"kind": "empty", "dtype": column.dtype}
    return {"kind": "category", "values": values, "dtype": column.dtype}


def _array_specs(X):
    n_features = X.shape[1]
    low = np.full(n_features, np.inf)
    high = np.full(n_features, -np.inf)
    fractional = np.zeros(n_features, dtype=bool)
    integral_dtype = np.issubdtype(X.dtype, np.integer)
    for block in gen_batches(X.shape[0], _BLOCK_ROWS):
        part = np.asarray(X[block], dtype=float)
        finite = np.isfinite(part)
        low = np.minimum(
            low, np.where(finite, part, np.inf).min(axis=0, initial=np.inf)
        )
        high = np.maximum(
            high, np.where(finite, part, -np.inf).max(axis=0, initial=-np.inf)
        )
        if not integral_dtype:
            fractional |= (finite & (part != np.round(part))).any(axis=0)
    return [
        _numeric_spec(low[j], high[j], not fractional[j], np.dtype(float))
        for j in range(n_features)
    ]


def _sparse_specs(X):
    X = sp.csc_matrix(X)
    n_rows, n_features = X.shape
    counts = np.diff(X.indptr)
    column_of = np.repeat(np.arange(n_features), counts)
    data = np.asarray(X.data, dtype=float)
    finite = np.isfinite(data)
    low = np.full(n_features, np.inf)
    high = np.full(n_features, -np.inf)
    np.minimum.at(low, column_of[finite], data[finite])
    np.maximum.at(high, column_of[finite], data[finite])
    has_zero = counts < n_rows
    low[has_zero] = np.minimum(low[has_zero], 0.0)
    high[has_zero] = np.maximum(high[has_zero], 0.0)
    fractional = (
        np.bincount(
            column_of[finite],
            weights=(data[finite] != np.round(data[finite])).astype(float),
            minlength=n_features,
        )
        > 0
    )
    return [
        _numeric_spec(low[j], high[j], not fractional[j], np.dtype(float))
        for j in range(n_features)
    ]


def _union_spec(mine, theirs):
    kinds = {mine["kind"], theirs["kind"]}
    if theirs["kind"] == "empty" or mine["kind"] == "unsupported":
        return mine
    if mine["kind"] == "empty":
        return dict(theirs, dtype=mine["dtype"])
    if kinds <= {"real", "integer"}:
        return _numeric_spec(
            min(mine["low"], theirs["low"]),
            max(mine["high"], theirs["high"]),
            kinds == {"integer"},
            mine["dtype"],
        )
    if kinds == {"category"}:
        values = pd.unique(
            np.concatenate([mine["values"], theirs["values"]]).astype(object)
        )
        return dict(mine, values=np.asarray(values, dtype=object))
    return mine


def _bounded_spec(spec, entry, name):
    kind = spec["kind"]
    if kind == "category" or kind == "unsupported":
        if isinstance(entry, (str, bytes)) or not hasattr(entry, "__iter__"):
            raise ValueError(
                f"bounds for categorical column {name!r} must be a list of allowed "
                f"values; got {entry!r}."
            )
        allowed = list(entry)
        if not allowed:
            raise ValueError(
                f"bounds for column {name!r} list no value; list at least one."
            )
        if kind == "category":
            seen = set(spec["values"].tolist())
            unseen = [v for v in allowed if v not in seen]
            if unseen:
                raise ValueError(
                    f"bounds for column {name!r} list {unseen}, which fit never "
                    f"saw; allowed values are among {sorted(map(str, seen))}."
                )
        values = np.empty(len(allowed), dtype=object)
        values[:] = allowed
        return {"kind": "category", "values": values, "dtype": spec["dtype"]}
    try:
        low, high = (float(v) for v in entry)
    except (TypeError, ValueError):
        raise ValueError(
            f"bounds for numeric column {name!r} must be a (low, high) pair of "
            f"numbers; got {entry!r}."
        ) from None
    if not (np.isfinite(low) and np.isfinite(high)) or low > high:
        raise ValueError(
            f"bounds for column {name!r} must be finite with low <= high; got "
            f"({low}, {high})."
        )
    integer = kind == "integer"
    if integer:
        low, high = np.ceil(low), np.floor(high)
        if low > high:
            raise ValueError(
                f"bounds ({entry[0]}, {entry[1]}) for integer column {name!r} hold "
                "no integer; widen them."
            )
    return _numeric_spec(low, high, integer, spec["dtype"])
