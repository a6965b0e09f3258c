"""RandomSampling: uniform draws from the learner's random_state."""

import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.linear_model import Ridge

from skactive import ActiveLearningRegressor
from skactive.strategies import RandomSampling


def fitted(random_state=0):
    X, y = make_friedman1(n_samples=80, random_state=0)
    alr = ActiveLearningRegressor(Ridge(), strategy=RandomSampling())
    return alr.set_params(random_state=random_state).fit(X[:20], y[:20]), X[20:]


def test_scores_are_uniform_draws_from_the_given_generator():
    alr, X_pool = fitted()
    scores = RandomSampling().score(alr, X_pool, np.random.RandomState(3))
    np.testing.assert_array_equal(scores, np.random.RandomState(3).uniform(size=60))
    assert ((scores >= 0) & (scores < 1)).all()


def test_random_differs_between_seeds():
    batches = []
    for seed in (0, 1):
        alr, X_pool = fitted(seed)
        batches.append(alr.query(X_pool, n=5))
    assert not np.array_equal(*batches)
