"""Random sampling, the baseline every result is measured against."""

from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples

from ._base import BaseStrategy


class RandomSampling(BaseStrategy):
    """Uniform random choice of pool rows.

    Scores are independent uniform draws, so the top ``n`` are a uniform
    random sample without replacement. The draws come from the learner's
    ``random_state``.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from skactive import ActiveLearningRegressor
    >>> X, y = make_friedman1(n_samples=60, random_state=0)
    >>> alr = ActiveLearningRegressor(strategy="random", random_state=0)
    >>> alr.fit(X[:20], y[:20]).query(X[20:], n=3).shape
    (3,)
    """

    def score(self, learner, X_pool, random_state=None):
        rng = check_random_state(random_state)
        return rng.uniform(size=_num_samples(X_pool))
