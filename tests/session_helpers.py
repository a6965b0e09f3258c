"""What the session tests share: a learner, a file digest and a DataFrame pool."""

import hashlib
from pathlib import Path

import pandas as pd
from sklearn.ensemble import RandomForestRegressor

from skactive import ActiveLearningRegressor

ROOT = Path(__file__).resolve().parent.parent


def learner(X0=None, y0=None):
    alr = ActiveLearningRegressor(
        RandomForestRegressor(n_estimators=5, random_state=0), random_state=0
    )
    return alr if X0 is None else alr.fit(X0, y0)


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def frame_pool(Xp):
    return pd.DataFrame(Xp, columns=[f"x{i}" for i in range(Xp.shape[1])])
