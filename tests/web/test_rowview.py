"""One pool row as the page shows it: columns, title and the model's guess."""

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor, LabelingSession
from skactive.web._rowview import RowView


def test_a_sparse_pool_row_before_and_after_the_first_answer(tmp_path):
    X = sp.csr_matrix(np.arange(24, dtype=float).reshape(8, 3))
    learner = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0), random_state=0
    )
    with LabelingSession(learner, X, tmp_path / "s.db") as session:
        view = RowView(session)
        row = view.row(2)
        assert row["title"] == "Row 3 of the pool"
        assert [c["name"] for c in row["columns"]] == ["x0", "x1", "x2"]
        assert [c["text"] for c in row["columns"]] == ["6", "7", "8"]
        assert view.guess(2) == (None, None)  # no label yet: no guess shown
        assert not row["guess"] and row["previous"] is None
        session.answer(0, 10.0).answer(1, 20.0)
        view.reorder()
        mean, _ = view.guess(2)
        assert 10.0 <= mean <= 20.0  # a forest predicts within its labels
        again = view.row(1, previous=20.0)
        assert again["guess"] and again["previous"] == "20"
