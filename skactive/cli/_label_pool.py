"""The CSV of ``skactive label``: initial labels and rows to label, and the
progress line and model's guesses shown about them."""

import os

import numpy as np
import pandas as pd

from .._metrics import estimate_error


class _Pool:
    """The CSV split into initial labels and pool, with row bookkeeping."""

    def __init__(self, path, target, id_column=None):
        try:
            frame = pd.read_csv(path)
        except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ValueError(f"Cannot read {path!r} as a CSV: {exc}") from exc
        if target not in frame.columns:
            raise ValueError(
                f"{path!r} has no column {target!r}; its columns are "
                f"{list(frame.columns)}. Pass --target with one of them."
            )
        raw = frame[target]
        numeric = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & numeric.isna()
        if bad.any():
            rows = list(frame.index[bad][:10])
            raise ValueError(
                f"The target column {target!r} of {path!r} holds non-numeric values "
                f"in rows {rows} (0-based data rows); leave a cell empty for a row "
                "to be labeled, or put a number in it."
            )
        if np.isinf(numeric).any():
            raise ValueError(f"The target column {target!r} holds infinite values.")
        if id_column is not None and id_column not in frame.columns:
            raise ValueError(
                f"{path!r} has no column {id_column!r} (--id); its columns are "
                f"{list(frame.columns)}."
            )
        if id_column == target:
            raise ValueError("--id names the target column; name a key column.")
        self.path, self.target, self.key = path, target, id_column
        self.frame = frame
        dropped = [target] if id_column is None else [target, id_column]
        self.features = frame.drop(columns=dropped)
        if self.features.shape[1] == 0:
            raise ValueError(f"{path!r} has no feature column besides {target!r}.")
        labeled = numeric.notna().to_numpy()
        self.labeled_rows = np.flatnonzero(labeled)
        self.pool_rows = np.flatnonzero(~labeled)
        self.y_labeled = numeric.to_numpy(dtype=float)[labeled]
        self.X_labeled = self.features.iloc[self.labeled_rows].reset_index(drop=True)
        self.X_pool = self.features.iloc[self.pool_rows].reset_index(drop=True)
        self.keys = (
            None
            if id_column is None
            else frame[id_column].iloc[self.pool_rows].to_numpy(dtype=object)
        )
        self.id_column = "row" if "row" not in frame.columns else "skactive_row"
        self._position_of = {int(r): i for i, r in enumerate(self.pool_rows)}

    def row_of(self, position):
        return int(self.pool_rows[position])

    def position_of(self, row):
        return self._position_of.get(int(row))


def _progress(session, pool):
    n_answered = len(session.answers_)
    n_own = pool.labeled_rows.size
    left = session.remaining().size
    line = (
        f"Progress: {n_own + n_answered} labels ({n_own} from {os.path.basename(pool.path)}"
        f", {n_answered} answered in this session), {session.skipped_.size} skipped, "
        f"{left} rows left to label."
    )
    learner = session.learner if hasattr(session.learner, "n_labeled_") else None
    error, method = estimate_error(learner)
    if error is None:
        line += " Estimated error: not yet (needs 5 labels)."
    else:
        line += f" Estimated error ({method}): {error:.4g}."
    print(line, flush=True)


def _guess(session, pool, positions):
    if not hasattr(session.learner, "n_labeled_"):
        n = len(positions)
        return np.full(n, np.nan), np.full(n, np.nan)
    return session.learner.predict(pool.X_pool.iloc[positions], return_std=True)
