"""Stopping criteria: when buying more labels stops paying.

A criterion is a small parameter object. :meth:`ActiveLearningRegressor.learn
<skactive.ActiveLearningRegressor.learn>`, :func:`skactive.simulate` and
:class:`skactive.LabelingSession` take one criterion or a list of them (the
first to fire stops the loop). The loop clones each criterion when it starts
and calls :meth:`~BaseStoppingCriterion.check` once after every round (one
queried batch, taught); a criterion that fires returns the reason, which the
loop writes into that round's ``history_`` record under ``"stopped"``.

Criteria that need no extra labels: :class:`StabilizingPredictions` and
:class:`PoolScoreBelow`. :class:`TargetError` needs a labeled validation set;
:class:`LabelBudget` needs nothing.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _num_samples

from ._criteria import (  # noqa: F401  (the loops import them from here too)
    first_reason,
    labels_left,
    start_criteria,
)
from ._metrics import errors
from ._rows import take_rows
from ._seeding import learner_rng
from ._validation import validate_X

__all__ = [
    "BaseStoppingCriterion",
    "LabelBudget",
    "PoolScoreBelow",
    "StabilizingPredictions",
    "TargetError",
]


class BaseStoppingCriterion(BaseEstimator):
    """Base class of the stopping criteria.

    Subclasses implement :meth:`check`. A criterion may keep state between
    rounds (in attributes ending in ``_``); the loops clone it when they
    start, so the object a user passes is never modified.
    """

    _parameter_constraints: dict = {}

    def check(self, learner, X_pool, candidates, record):
        """Whether to stop after this round, and why.

        Parameters
        ----------
        learner : ActiveLearningRegressor
            The learner, taught every label of the round.
        X_pool : array-like of shape (n_pool, n_features)
            The pool of the loop (validated), the same rows every round.
        candidates : ndarray of int
            Positions in ``X_pool`` still available to query.
        record : dict
            The round's ``history_`` record (``n_labels``, ``val_rmse``, ...).

        Returns
        -------
        reason : str or None
            Why the loop should stop, or None to go on.
        """
        raise NotImplementedError

    def _validate(self, learner=None):
        """Check the parameters (and, given the fitted ``learner``, any data
        against it); the loops call it before the first round is bought."""
        self._validate_params()

    def _check_rows(self, X, name, learner):
        """The rows ``X`` (2-d, at least one) validated against the fitted
        ``learner``; a ValueError naming the criterion and ``name`` if not."""
        who = f"{type(self).__name__}: {name}"
        shape = getattr(X, "shape", None)
        if shape is None:
            shape = np.shape(np.asarray(X, dtype=object))
        if len(shape) != 2:
            raise ValueError(
                f"{who} must be 2-d, one row per row of the set; got shape "
                f"{tuple(shape)}. Reshape it (array.reshape(1, -1) for one row)."
            )
        if shape[0] == 0:
            raise ValueError(f"{who} has no row; pass rows.")
        try:
            return validate_X(learner, X, reset=False)
        except ValueError as exc:
            raise ValueError(f"{who} does not fit the learner: {exc}") from exc

    def labels_left(self, learner):
        """How many more labels the loop may buy before this criterion
        fires, or None for no limit. The loop cuts its next batch to fit."""
        return None


class LabelBudget(BaseStoppingCriterion):
    """Stop once the learner holds ``max_labels`` labels.

    Counts every label the learner was trained on, including its initial
    ones. ``learn`` buys at most ``n_queries`` labels anyway; this criterion
    states the same limit as a total, which is how a labeling session thinks
    of it. The budget is exact: the loop cuts the last batch to fit, and a
    learner that already holds ``max_labels`` labels or more buys nothing.

    Parameters
    ----------
    max_labels : int
        Total labels at which to stop.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from skactive import ActiveLearningRegressor
    >>> from skactive.stopping import LabelBudget, PoolScoreBelow
    >>> X, y = make_friedman1(n_samples=200, random_state=0)
    >>> first_to_fire = [PoolScoreBelow(fraction=0.1), LabelBudget(30)]
    >>> alr = ActiveLearningRegressor(random_state=0).fit(X[:10], y[:10])
    >>> alr = alr.learn(X[10:], y[10:], n_queries=100, stopping=first_to_fire)
    >>> alr.n_labeled_, alr.history_[-1]["stopped"]
    (30, 'label budget reached: 30 labels >= max_labels=30')
    """

    _parameter_constraints = {
        "max_labels": [Interval(Integral, 1, None, closed="left")]
    }

    def __init__(self, max_labels):
        self.max_labels = max_labels

    def labels_left(self, learner):
        return max(0, int(self.max_labels) - int(learner.n_labeled_))

    def check(self, learner, X_pool, candidates, record):
        if learner.n_labeled_ >= self.max_labels:
            return (
                f"label budget reached: {learner.n_labeled_} labels >= "
                f"max_labels={self.max_labels}"
            )
        return None


class TargetError(BaseStoppingCriterion):
    """Stop once the error on a labeled validation set is at most ``target``.

    Parameters
    ----------
    target : float
        Error at or below which to stop, in the units of the target.
    metric : {"rmse", "mae"}, default="rmse"
        Root mean squared or mean absolute error.
    X_val, y_val : array-like, default=None
        The validation set. None: use the validation error ``learn`` records
        in ``history_`` when it is given ``X_val`` and ``y_val``.

    Notes
    -----
    The validation labels are extra labels a person must pay for, and a
    small validation set gives a noisy error: the loop may stop early on a
    lucky round. Prefer a few hundred validation rows.

    Examples
    --------
    >>> from skactive.stopping import TargetError
    >>> TargetError(3.0, metric="mae")
    TargetError(metric='mae', target=3.0)
    """

    _parameter_constraints = {
        "target": [Interval(Real, 0, None, closed="left")],
        "metric": [StrOptions({"rmse", "mae"})],
        "X_val": ["array-like", "sparse matrix", None],
        "y_val": ["array-like", None],
    }

    def __init__(self, target, *, metric="rmse", X_val=None, y_val=None):
        self.target = target
        self.metric = metric
        self.X_val = X_val
        self.y_val = y_val

    def _validate(self, learner=None):
        self._validate_params()
        if (self.X_val is None) != (self.y_val is None):
            raise ValueError("TargetError: pass X_val and y_val together, or neither.")
        if self.X_val is None or learner is None:
            return
        X_val = self._check_rows(self.X_val, "X_val", learner)
        n_rows = _num_samples(X_val)
        try:
            y_val = np.asarray(
                self.y_val.to_numpy(dtype=float, na_value=np.nan)
                if hasattr(self.y_val, "to_numpy")
                else self.y_val,
                dtype=float,
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"TargetError: y_val must be numeric: {exc}") from exc
        y_val = y_val.ravel() if y_val.ndim == 2 and y_val.shape[1] == 1 else y_val
        if y_val.ndim != 1 or y_val.shape[0] != n_rows:
            raise ValueError(
                f"TargetError: X_val has {n_rows} rows but y_val has shape "
                f"{y_val.shape}; pass one target per validation row."
            )
        if not np.isfinite(y_val).all():
            raise ValueError(
                "TargetError: y_val holds NaN or infinite values; the validation "
                "set needs a finite target for every row."
            )
        self._X_val, self._y_val = X_val, y_val

    def check(self, learner, X_pool, candidates, record):
        if self.X_val is not None:
            if not hasattr(self, "_y_val"):
                self._validate(learner)
            rmse, mae = errors(self._y_val, learner.predict(self._X_val))
            error = rmse if self.metric == "rmse" else mae
        else:
            error = record.get(f"val_{self.metric}")
            if error is None:
                raise ValueError(
                    "TargetError has no validation set: pass X_val and y_val to "
                    "TargetError, or to learn."
                )
        if error <= self.target:
            return (
                f"target error reached: validation {self.metric.upper()} "
                f"{error:.4g} <= {self.target:.4g}"
            )
        return None


class StabilizingPredictions(BaseStoppingCriterion):
    """Stop when the model's predictions on a fixed stop set stop changing.

    The regression form of the stabilizing-predictions criterion of
    Bloodgood & Vijay-Shanker (2009). After every round the model predicts a
    fixed *stop set* of unlabeled rows; the agreement between two successive
    rounds is

    .. math:: A_t = 1 - \\frac{\\operatorname{mean}(f_t - f_{t-1})^2}
                             {\\operatorname{var}(f_{t-1})},

    an :math:`R^2` of the new predictions against the old ones (1 when
    nothing moved; Bloodgood & Vijay-Shanker use Cohen's kappa, the
    classification counterpart). The loop stops once the mean agreement over
    the last ``window`` pairs of rounds is at least ``threshold``. No label
    is needed: the stop set is unlabeled.

    A random forest refit on more labels keeps moving a little (new trees,
    new bootstrap draws), so agreement rarely reaches 0.99 within a few
    hundred labels. ``benchmarks/stopping.py`` (11 data sets, 5 seeds,
    budget 200, forest with uncertainty sampling) measured: 0.99 fired in a
    fifth of the runs and saved 9 % of the labels on average, 0.97 saved
    21 %; the median run lost no accuracy with either, but the 90th
    percentile of test RMSE against the full budget was 1.04 at 0.99 and
    1.22 at 0.97. Predictions can also stabilize while the model is still
    poor (uncertainty sampling buying rows that do not change it): one run
    stopped by 0.99 ended 34 % worse. Lower the threshold only if that risk
    is worth the labels.

    Parameters
    ----------
    threshold : float, default=0.99
        Mean agreement at which to stop.
    window : int, default=3
        Number of successive agreements averaged (Bloodgood &
        Vijay-Shanker: 3).
    X_stop : array-like, default=None
        The stop set. None: up to ``max_stop_size`` rows drawn at random from
        the loop's pool at the first round (labeled or not, the draw is
        fixed for the rest of the loop).
    max_stop_size : int, default=1000
        Size of the stop set drawn from the pool.
    random_state : int, RandomState instance or None, default=None
        Seeds the draw of the stop set.

    Attributes
    ----------
    agreements_ : list of float
        Agreement after each round from the second on.

    References
    ----------
    M. Bloodgood and K. Vijay-Shanker. "A method for stopping active
    learning based on stabilizing predictions and the need for user-adjustable
    stopping." CoNLL 2009, pp. 39-47.

    Examples
    --------
    >>> from skactive.stopping import StabilizingPredictions
    >>> StabilizingPredictions(0.95, window=5)
    StabilizingPredictions(threshold=0.95, window=5)
    """

    _parameter_constraints = {
        "threshold": [Interval(Real, None, 1, closed="right")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "X_stop": ["array-like", "sparse matrix", None],
        "max_stop_size": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        threshold=0.99,
        *,
        window=3,
        X_stop=None,
        max_stop_size=1000,
        random_state=None,
    ):
        self.threshold = threshold
        self.window = window
        self.X_stop = X_stop
        self.max_stop_size = max_stop_size
        self.random_state = random_state

    def _validate(self, learner=None):
        self._validate_params()
        if self.X_stop is None or learner is None:
            return
        self._check_rows(self.X_stop, "X_stop", learner)

    def check(self, learner, X_pool, candidates, record):
        if not hasattr(self, "agreements_"):
            if self.X_stop is not None:
                self._X_stop = self.X_stop
            else:
                n_pool = _num_samples(X_pool)
                size = min(self.max_stop_size, n_pool)
                rows = check_random_state(self.random_state).choice(
                    n_pool, size, replace=False
                )
                self._X_stop = take_rows(X_pool, np.sort(rows))
            self._previous = None
            self.agreements_ = []
        current = np.asarray(learner.predict(self._X_stop), dtype=float)
        previous, self._previous = self._previous, current
        if previous is None:
            return None
        spread = float(np.var(previous))
        change = float(np.mean((current - previous) ** 2))
        if spread > 0:
            agreement = 1.0 - change / spread
        else:
            agreement = 1.0 if change == 0 else 0.0
        self.agreements_.append(agreement)
        if len(self.agreements_) < self.window:
            return None
        mean = float(np.mean(self.agreements_[-self.window :]))
        if mean >= self.threshold:
            return (
                f"predictions stabilized: mean agreement {mean:.4f} over the last "
                f"{self.window} rounds >= {self.threshold}"
            )
        return None


class PoolScoreBelow(BaseStoppingCriterion):
    """Stop when no pool row is worth much any more.

    After every round the learner's strategy scores the rows still in the
    pool; the loop stops when the highest score falls below ``threshold``,
    or below ``fraction`` times the highest score of the first round. With
    ``"uncertainty"`` the score is the predictive standard deviation, so an
    absolute ``threshold`` is in the units of the target ("stop when the
    model is never unsure by more than 0.5 mg/l"); ``fraction`` needs no
    units. No label is needed. Meaningless with random sampling, whose
    scores are uniform draws.

    Parameters
    ----------
    threshold : float, default=None
        Absolute score below which to stop.
    fraction : float in (0, 1), default=None
        Stop when the highest score is below this share of its value after
        the first round. Give ``threshold``, ``fraction``, or both (either
        stops).

    Attributes
    ----------
    first_max_score_ : float
        Highest pool score after the first round.
    max_scores_ : list of float
        Highest pool score after each round.

    References
    ----------
    The confidence-based stopping of J. Zhu, H. Wang and E. Hovy, "Learning a
    stopping criterion for active learning for word sense disambiguation and
    text classification", IJCNLP 2008, in regression form.

    Examples
    --------
    >>> from skactive.stopping import PoolScoreBelow
    >>> PoolScoreBelow(fraction=0.6)
    PoolScoreBelow(fraction=0.6)
    """

    _parameter_constraints = {
        "threshold": [Interval(Real, 0, None, closed="left"), None],
        "fraction": [Interval(Real, 0, 1, closed="neither"), None],
    }

    def __init__(self, threshold=None, *, fraction=None):
        self.threshold = threshold
        self.fraction = fraction

    def _validate(self, learner=None):
        self._validate_params()
        if self.threshold is None and self.fraction is None:
            raise ValueError(
                "PoolScoreBelow needs threshold=<score> or fraction=<share of "
                "the first round's highest score>; both are None."
            )

    def check(self, learner, X_pool, candidates, record):
        if not hasattr(self, "max_scores_"):
            self.max_scores_ = []
        if len(candidates) == 0:
            return "pool exhausted: no row left to score"
        scores = learner.strategy_.score(
            learner, take_rows(X_pool, candidates), random_state=learner_rng(learner, 0)
        )
        top = float(np.nanmax(scores)) if np.isfinite(scores).any() else 0.0
        self.max_scores_.append(top)
        if len(self.max_scores_) == 1:
            self.first_max_score_ = top
        if self.threshold is not None and top < self.threshold:
            return f"highest pool score {top:.4g} < threshold {self.threshold:.4g}"
        if self.fraction is not None and top < self.fraction * self.first_max_score_:
            return (
                f"highest pool score {top:.4g} < {self.fraction} x first round's "
                f"{self.first_max_score_:.4g}"
            )
        return None
