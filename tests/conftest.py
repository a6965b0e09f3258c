import numpy as np
import pytest
from sklearn.datasets import make_friedman1


@pytest.fixture
def friedman():
    """Friedman #1: 300 rows, 10 inputs."""
    X, y = make_friedman1(n_samples=300, noise=0.5, random_state=0)
    return X, y


@pytest.fixture
def split(friedman):
    """40 labeled rows, a pool of 200, a test set of 60."""
    X, y = friedman
    return X[:40], y[:40], X[40:240], y[40:240], X[240:], y[240:]


class RecordingOracle:
    """An array of targets that remembers which positions were read."""

    def __init__(self, values):
        self._values = np.asarray(values, dtype=float)
        self.read = []

    def __len__(self):
        return len(self._values)

    def __getitem__(self, position):
        self.read.append(int(position))
        return self._values[position]


@pytest.fixture
def recording_oracle():
    return RecordingOracle


@pytest.fixture
def data(split):
    """The split without its test set: start rows, pool rows and their labels."""
    X0, y0, Xp, yp, _, _ = split
    return X0, y0, Xp, yp
