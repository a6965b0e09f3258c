"""Uncertainty sampling: the spread of the predictive distribution."""

from numbers import Integral

from sklearn.utils._param_validation import Interval

from .._members import has_spread, predictive_std
from ._base import BaseStrategy


class UncertaintySampling(BaseStrategy):
    """Predictive standard deviation of each pool row.

    The spread comes from, in order: the learner's committee if one was
    given; a native ``predict(X, return_std=True)`` (Gaussian process,
    Bayesian ridge); the members of a fitted averaging ensemble (the trees of
    a forest, the members of bagging); else a committee of ``n_members``
    bootstrap clones that ``fit`` builds for this purpose.

    This is the spread of the predictive distribution, not the distance of a
    prediction from the mean prediction.

    Parameters
    ----------
    n_members : int, default=5
        Size of the bootstrap committee built when the model has no spread
        of its own.

    References
    ----------
    .. [1] B. Settles, "Active Learning Literature Survey", Computer Sciences
       Technical Report 1648, University of Wisconsin-Madison, 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from skactive import ActiveLearningRegressor
    >>> from skactive.strategies import UncertaintySampling
    >>> X, y = make_friedman1(n_samples=60, random_state=0)
    >>> alr = ActiveLearningRegressor(strategy=UncertaintySampling(), random_state=0)
    >>> alr.fit(X[:20], y[:20]).query(X[20:], n=3).shape
    (3,)
    """

    #: The diverse rule, measured best for this score.
    #:
    #: Measured in ``benchmarks/label_efficiency.py``: with top-``n`` this
    #: score loses to random sampling; with the diverse rule it does not.
    default_batch_selection = "diverse"

    _parameter_constraints = {"n_members": [Interval(Integral, 2, None, closed="left")]}

    def __init__(self, n_members=5):
        self.n_members = n_members

    def _score_chunk(self, learner, X_chunk):
        return predictive_std(learner, X_chunk)

    def bootstrap_members_needed(self, estimator, committee):
        self._validate_params()
        return 0 if has_spread(estimator, committee) else self.n_members
