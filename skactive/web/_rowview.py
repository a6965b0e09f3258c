"""One pool row as the labeling page shows it: its values, most telling
columns first, a title, and the model's guess."""

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._rows import take_rows
from .._session_learner import is_fitted
from ._columns import column_order
from ._format import code_like, format_cell, format_guess, format_number

__all__ = ["RowView"]

N_TOP_COLUMNS = 6


class RowView:
    """Rows of a session's pool, ready for the page.

    Parameters
    ----------
    session : LabelingSession
    X_display : DataFrame or None
        The pool as the person should see it; None: the session's pool,
        with the learner's feature names.
    describe_row : callable or None
        ``describe_row(position) -> str``; None: "Row 13 of the pool".
    """

    def __init__(self, session, X_display=None, describe_row=None):
        self.session = session
        self.X_display = X_display
        self.describe_row = describe_row or (lambda p: f"Row {p + 1} of the pool")
        self.order = self._column_order()

    def _columns(self):
        if isinstance(self.X_display, pd.DataFrame):
            return list(self.X_display.columns)
        X = self.session.X_pool
        if isinstance(X, pd.DataFrame):
            return list(X.columns)
        names = getattr(self.session.learner, "feature_names_in_", None)
        if names is not None:
            return [str(n) for n in names]
        return [f"x{i}" for i in range(X.shape[1])]

    def _values(self, position):
        if isinstance(self.X_display, pd.DataFrame):
            return list(self.X_display.iloc[position])
        row = take_rows(self.session.X_pool, [position])
        if isinstance(row, pd.DataFrame):
            return list(row.iloc[0])
        if sp.issparse(row):
            row = row.toarray()
        return list(np.asarray(row).reshape(-1))

    def _column_order(self):
        columns = self._columns()
        index = {name: i for i, name in enumerate(columns)}
        return [
            (name, index[name]) for name in column_order(self.session.learner, columns)
        ]

    def reorder(self):
        """Order the columns again, by what the learner finds telling now."""
        self.order = self._column_order()

    def guess(self, position):
        """The learner's prediction and spread for one row (None, None unfitted)."""
        learner = self.session.learner
        if not is_fitted(learner):
            return None, None
        X = take_rows(self.session.X_pool, [position])
        try:
            mean, std = learner.predict(X, return_std=True)
            return float(mean[0]), float(std[0])
        except (ValueError, TypeError):
            return float(learner.predict(X)[0]), None

    def row(self, position, *, previous=None):
        """What the page shows of ``position`` (``previous``: its old answer)."""
        values = self._values(position)
        guess, likely = format_guess(*self.guess(position))
        return {
            "position": int(position),
            "title": self.describe_row(int(position)),
            "columns": [
                {
                    "name": str(name),
                    "text": format_cell(values[i], grouped=not code_like(name)),
                }
                for name, i in self.order
            ],
            "n_top": min(N_TOP_COLUMNS, len(self.order)),
            "guess": guess,
            "range": likely,
            "previous": None if previous is None else format_number(previous),
        }
