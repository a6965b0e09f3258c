"""Tests of skactive/_session_export.py: the labeled rows as a frame and a CSV file."""

import pandas as pd
import pytest
from session_helpers import frame_pool, learner

from skactive import LabelingSession


def test_labeled_frame_and_write_labeled(data, tmp_path):
    X0, y0, Xp, yp = data
    path = tmp_path / "s.db"
    with LabelingSession(learner(X0, y0), frame_pool(Xp), path) as session:
        session.answer(3, 1.25).answer(0, 2.5)
        frame = session.labeled_frame(target="y")
        assert list(frame.columns) == [f"x{i}" for i in range(10)] + ["y"]
        assert frame["y"].notna().sum() == 2 and frame.loc[3, "y"] == 1.25
        pd.testing.assert_frame_equal(frame.drop(columns="y"), frame_pool(Xp))
        out = tmp_path / "out.csv"
        session.write_labeled(out, target="y")
        pd.testing.assert_frame_equal(pd.read_csv(out), frame)
        before = out.read_bytes()
        with pytest.raises(FileExistsError, match="out.csv.*already exists"):
            session.write_labeled(out)
        assert out.read_bytes() == before
        session_bytes = path.read_bytes()
        with pytest.raises(ValueError, match="is the session file"):
            session.write_labeled(path, overwrite=True)
        assert path.read_bytes() == session_bytes
        session.write_labeled(out, overwrite=True)  # asked for explicitly
        assert "answer" in pd.read_csv(out).columns
