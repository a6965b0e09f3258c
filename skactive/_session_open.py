"""Opening a labeling session: create its file, or re-attach the stored
answers to the rows of the pool as it is now (or refuse, untouched)."""

import datetime
import warnings

import numpy as np
import pandas as pd

from ._row_identity import column_names, describe_row, pool_fingerprint, row_identities
from ._store import decode_columns, encode_columns, is_teachable_value

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class _SessionFile:
    """The file side of :class:`~skactive.LabelingSession`: attach, read, close."""

    def _attach(self, keys):
        """Create the file, or tie its stored answers to this pool's rows."""
        store, path = self._store, self.path
        columns = column_names(self.X_pool)
        mode = "key" if keys is not None else "features"
        meta = {
            "identity": mode,
            "key": str(self.id) if isinstance(self.id, str) else "",
            "columns": encode_columns(columns),
        }
        if store.version == 0:
            self._set_ids(row_identities(self.X_pool, keys=keys))
            store.create(
                {
                    **meta,
                    "application": "skactive labeling session",
                    "n_pool": str(self.n_pool_),
                    "created_at": _now(),
                }
            )
            return
        stored = store.read_meta()
        if store.version == 1:
            self._upgrade(stored, keys, meta)
            return
        if stored.get("identity") != mode:
            how = {"key": "a key (id=...)", "features": "feature values (no id)"}
            raise ValueError(
                f"The session {path!r} identifies rows by "
                f"{how.get(stored.get('identity'), stored.get('identity'))}; it was "
                f"opened with {how[mode]}. Open it the way it was started."
            )
        use = None
        if mode == "features":
            use = decode_columns(stored.get("columns"))
            if sorted(map(str, use)) != sorted(columns):
                raise ValueError(
                    f"X_pool has columns {columns}, but the session {path!r} was "
                    f"started with columns {use}: its answers cannot be matched to "
                    "rows. Pass a pool with the same columns, or a new path."
                )
            if not isinstance(self.X_pool, pd.DataFrame):
                use = None
        self._set_ids(row_identities(self.X_pool, columns=use, keys=keys))
        self._check_attached()

    def _upgrade(self, stored, keys, meta):
        if stored.get("fingerprint") != pool_fingerprint(self.X_pool):
            raise ValueError(
                f"The session {self.path!r} was written by an older skactive "
                "(format 1), which tied answers to row positions; it can be "
                f"upgraded only with the pool it was started with (that pool had "
                f"{stored.get('n_pool')} rows, this one has {self.n_pool_}, or its "
                "values differ). Open it once with that pool (the CSV as it was, "
                "without --id) to upgrade it. It was left untouched."
            )
        self._set_ids(row_identities(self.X_pool, keys=keys))
        texts = _LazyRowTexts(self.X_pool)
        withdrawn = self._store.upgrade_v1(
            self._ids, texts, is_teachable_value, {**meta, "upgraded_at": _now()}
        )
        if withdrawn:
            warnings.warn(
                f"Upgrading {self.path!r} withdrew {len(withdrawn)} stored answer(s) "
                "that no learner can be taught (non-finite, or beyond "
                f"+/-{_FLOAT32_MAX:.3g}): positions and values {withdrawn[:10]}. They "
                "are kept in the file's event log; answer those rows again.",
                UserWarning,
                stacklevel=3,
            )

    def _set_ids(self, ids):
        self._ids = ids
        self._position_of = {row_id: i for i, row_id in enumerate(ids)}

    def _check_attached(self):
        """Refuse (untouched) if an answered row is no longer in the pool."""
        rows = self._db().execute(
            "SELECT row_id, value, position, row_text FROM answers ORDER BY position"
        )
        gone = [row for row in rows.fetchall() if row[0] not in self._position_of]
        if not gone:
            return
        listed = "; ".join(
            f"answer {value:g} for the row {text or row_id} (then at position "
            f"{position})"
            for row_id, value, position, text in gone[:5]
        )
        more = f" and {len(gone) - 5} more" if len(gone) > 5 else ""
        changed = "key is" if self.id is not None else "feature values are"
        raise ValueError(
            f"{len(gone)} answered row(s) of the session {self.path!r} are no "
            f"longer in the pool (the row was removed, or its {changed} not the "
            f"same): {listed}{more}. Put these rows back as they were, or pass a "
            "new session path; the file was left untouched and keeps every answer."
        )

    def close(self):
        """Close the session file and release its lock (answers are stored)."""
        self._connection = None
        store = getattr(self, "_store", None)
        if store is not None:
            store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _db(self):
        if self._connection is None:
            raise ValueError("The session is closed; open it again to go on.")
        return self._connection

    def _stored(self, table, columns):
        rows = self._db().execute(f"SELECT row_id, {columns} FROM {table}").fetchall()
        found = [
            (self._position_of[row[0]], *row[1:])
            for row in rows
            if row[0] in self._position_of
        ]
        return sorted(found)


class _LazyRowTexts:
    """Row descriptions computed on demand (only answered rows need one)."""

    def __init__(self, X_pool):
        self.X_pool = X_pool

    def __getitem__(self, position):
        return describe_row(self.X_pool, position)


def _keys(X_pool, id, n_pool):
    if id is None:
        return None
    if isinstance(id, str):
        if not isinstance(X_pool, pd.DataFrame) or id not in X_pool.columns:
            raise ValueError(
                f"id={id!r} is not a column of X_pool; pass a column name of a "
                "DataFrame pool, or one key per row."
            )
        return X_pool[id].to_numpy(dtype=object)
    keys = np.asarray(id, dtype=object).ravel()
    if keys.shape[0] != n_pool:
        raise ValueError(
            f"id has {keys.shape[0]} keys but X_pool has {n_pool} rows; pass one "
            "key per row."
        )
    return keys
