"""Stream-based selection: buy a row's label on arrival, under a label budget."""

import contextlib
import copy
from numbers import Integral, Real

import numpy as np
from scipy.special import gammaincinv
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._dask import dask_stream_scores, is_dask_collection
from ._regressor import ActiveLearningRegressor
from ._rows import take_rows
from ._stream_rules import (
    chunk_quota,
    chunk_select,
    start_threshold,
    threshold_jitter,
    threshold_pass,
    uses_chunk_rule,
)
from ._teaching import can_teach_incrementally
from ._validation import check_targets, validate_rows


class StreamSelector(BaseEstimator):
    """Decide on arrival which rows of a stream are worth buying a label for.

    A chunk of arriving rows is a small pool. With ``rule="chunk"`` (the
    default), a call whose share of the budget, ``budget * n_rows``, is at
    least one row buys a quota of the chunk: the rows that bring the spent
    count back to ``round(budget * n_seen_)``. A share ``random_share`` of
    the budget goes to rows bought uniformly at random (the "split" strategy
    of Žliobaitė et al. [1]_), so a drifting stream is still explored where
    the model is confidently wrong; the rest of the quota is the learner's
    own :meth:`~ActiveLearningRegressor.query` on the other rows of the
    chunk, so the default strategy's LCMD batch [3]_ spreads the picks over
    the dense, poorly covered parts of the chunk rather than its fringe.
    This is batch-wise stream selection as surveyed by Cacciarelli and
    Kulahci [4]_. Over chunks, the rows bought differ from ``budget *
    n_seen_`` by at most half a row (plus any random rows beyond the quota).

    Smaller calls (one row at a time, say) are decided row by row. Each row
    gets the learner's strategy score (its predictive spread for
    ``"uncertainty"``, the committee's variance for ``"qbc"``, the distance
    to the nearest labeled row for ``"lcmd"``), divided by a running mean of
    the scores seen so far, so the rule does not depend on the score's units
    and follows the learner as it improves. A row is bought when that
    normalised score exceeds an adaptive threshold; the threshold is
    multiplied by ``exp(threshold_step * (1 - budget))`` after every bought
    row and by ``exp(-threshold_step * budget)`` after every other row. This
    is the variable-uncertainty rule of [1]_ for regression, with asymmetric
    steps so that the threshold settles where a fraction ``budget`` of the
    rows is bought: over ``t`` rows the number bought differs from ``budget
    * t`` by exactly ``log(threshold_t / threshold_0) / threshold_step``,
    which stays bounded while the normalised scores do, so the spent fraction
    converges to the budget. Under ``"chunk"`` and ``"sample"`` the threshold
    is multiplied by a standard exponential draw per row, so a row is bought
    with probability ``1 - exp(-score / threshold)``, about proportional to
    its score (the randomised rule of [1]_, and with LCMD's squared distance
    the D² sampling of k-means++ [5]_): regions are bought in proportion to
    how many rows arrive there times how poorly they are covered. With
    ``"threshold"`` the cut is plain. The random share applies here too.

    With ``rule="sample"`` or ``"threshold"`` every step is a recurrence over
    rows in arrival order, so deciding a chunk at once gives the same answers
    as deciding its rows one by one from the same state: the chunk is scored
    in one vectorized call and only the cheap threshold recurrence runs row
    by row. This holds for any strategy whose score of a row does not depend
    on the other rows of the call (every built-in strategy). With
    ``rule="chunk"`` a chunk's decision depends on all its rows; a chunk
    decided at once does not move ``threshold_`` or ``scale_``. A Dask
    collection is always decided row by row.

    With ``strategy="random"`` the score is a uniform draw and the learner's
    query a uniform choice, so the selector buys rows at random at the budget
    rate: the baseline every selector is measured against.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        A fitted learner. Its ``strategy_`` scores the rows; :meth:`update`
        teaches it the bought labels.
    budget : float, default=0.1
        Fraction of the stream's rows to label, in (0, 1].
    random_share : float, default=0.1
        Share of the budget spent on rows bought at random, whatever their
        score, in [0, 1].
    rule : {"chunk", "sample", "threshold"}, default="chunk"
        How rows are chosen. ``"chunk"``: a call with at least one row of
        budget is decided jointly by the learner's query (smaller calls as
        ``"sample"``). ``"sample"``: row by row, bought with a probability
        that grows with the score. ``"threshold"``: row by row, bought when
        the score is above the threshold (the only rule of earlier
        versions). Measured on three streams in
        ``docs/benchmarks/results/stream.md``.
    threshold_step : float in (0, 1], default=0.05
        Step ``s`` of the threshold in log scale. Larger adapts faster after
        a change and holds the budget more tightly over short streams;
        smaller makes the threshold steadier.
    scale_window : int, default=500
        Rows in the running mean that normalises the scores (a plain mean
        over the first ``scale_window`` rows, then an exponential moving
        average of that length).
    refit_every : int, default=10
        :meth:`update` puts every bought label into the learner at once, and
        refits it once at least this many are waiting, so the stream is not
        stalled by a refit per label.
    incremental : bool or "auto", default="auto"
        Update the learner with ``partial_fit`` after each :meth:`update`
        instead of refitting: the regressor and, if the learner has one, every
        committee member (on a Poisson(1) resample of the new rows, the online
        bagging of Oza and Russell) are updated in place. "auto" does so when
        every model has ``partial_fit`` and no per-row fit parameter is in use.
    random_state : int, RandomState instance or None, default=None
        Seeds the random share and any randomness of the strategy's score.

    Attributes
    ----------
    n_seen_ : int
        Rows decided so far.
    n_selected_ : int
        Rows selected so far.
    budget_spent_ : float
        ``n_selected_ / n_seen_``: the fraction of the rows seen so far that
        were selected.
    threshold_ : float
        Current threshold on the normalised score.
    scale_ : float
        Current running mean of the raw scores.
    n_pending_ : int
        Bought labels in the learner that it has not been refit on yet (its
        ``n_awaiting_refit_``).

    References
    ----------
    .. [1] I. Žliobaitė, A. Bifet, B. Pfahringer and G. Holmes, "Active
       learning with drifting streaming data", IEEE Transactions on Neural
       Networks and Learning Systems 25(1):27-39, 2014.
    .. [2] N. C. Oza and S. Russell, "Online bagging and boosting", AISTATS
       2001.
    .. [3] D. Holzmüller, V. Zaverkin, J. Kästner and I. Steinwart, "A
       Framework and Benchmark for Deep Batch Active Learning for
       Regression", Journal of Machine Learning Research 24(164), 2023.
    .. [4] D. Cacciarelli and M. Kulahci, "Active learning for data streams:
       a survey", Machine Learning 113:185-239, 2024.
    .. [5] D. Arthur and S. Vassilvitskii, "k-means++: the advantages of
       careful seeding", SODA 2007.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from skactive import ActiveLearningRegressor, StreamSelector
    >>> X, y = make_friedman1(n_samples=3000, random_state=0)
    >>> learner = ActiveLearningRegressor(
    ...     RandomForestRegressor(n_estimators=10, random_state=0), random_state=0
    ... ).fit(X[:50], y[:50])
    >>> selector = StreamSelector(learner, budget=0.1, random_state=0)
    >>> for start in range(50, 3000, 100):
    ...     rows, targets = X[start:start + 100], y[start:start + 100]
    ...     bought = selector.decide(rows)
    ...     selector = selector.update(rows[bought], targets[bought])
    >>> bool(abs(selector.budget_spent_ - 0.1) < 0.02)
    True
    """

    _parameter_constraints = {
        "learner": [HasMethods(["fit", "predict", "teach"])],
        "budget": [Interval(Real, 0, 1, closed="right")],
        "random_share": [Interval(Real, 0, 1, closed="both")],
        "rule": [StrOptions({"threshold", "chunk", "sample"})],
        # Larger steps overflow the threshold within a few rows.
        "threshold_step": [Interval(Real, 0, 1, closed="right")],
        "scale_window": [Interval(Integral, 1, None, closed="left")],
        "refit_every": [Interval(Integral, 1, None, closed="left")],
        "incremental": ["boolean", StrOptions({"auto"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        learner,
        *,
        budget=0.1,
        random_share=0.1,
        rule="chunk",
        threshold_step=0.05,
        scale_window=500,
        refit_every=10,
        incremental="auto",
        random_state=None,
    ):
        self.learner = learner
        self.budget = budget
        self.random_share = random_share
        self.rule = rule
        self.threshold_step = threshold_step
        self.scale_window = scale_window
        self.refit_every = refit_every
        self.incremental = incremental
        self.random_state = random_state

    def decide(self, X):
        """Whether to buy the label of each arriving row, in arrival order.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)
            One or more arriving rows, with the features the learner was fit
            on.

        Returns
        -------
        selected : ndarray of bool, shape (n_rows,)
            True where the label should be bought.
        """
        checked = _check_params(self)
        with _unchanged_on_error(self):
            selected = self._decide(X)
        self._checked_params = checked
        return selected

    def _decide(self, X):
        learner = _fitted_learner(self)
        if is_dask_collection(X):
            if not hasattr(self, "n_seen_"):
                _start(self)
            return _select(self, dask_stream_scores(learner, X, self._score_rng))
        X, n = validate_rows(learner, X)
        if not hasattr(self, "n_seen_"):
            _start(self)
        if n == 0:
            return np.zeros(0, dtype=bool)
        if uses_chunk_rule(self.rule, self.budget, n):
            return _select_chunk(self, learner, X, n)
        raw = np.asarray(
            learner.strategy_.score(learner, X, random_state=self._score_rng),
            dtype=float,
        )
        return _select(self, raw, n)

    def update(self, X, y):
        """Teach the learner the labels bought for selected rows.

        Every label is in the learner at once (its ``X_labeled_``,
        ``y_labeled_`` and ``n_labeled_``, so a learner saved right after
        ``update`` keeps it); only the refit waits until at least
        ``refit_every`` labels are waiting (with incremental updates,
        ``partial_fit`` applies them at once). :meth:`flush` refits now.

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features)
            Rows whose labels were bought (zero rows is fine).
        y : array-like of shape (n_rows,)
            Their targets.

        Returns
        -------
        self : object
            The selector. Rows the fitted model cannot take (a value its
            Pipeline cannot transform) are refused with a ValueError that
            leaves the learner and the selector exactly as they were, so
            later updates work. If the refit fails, the error is raised and
            the labels stay in the learner, waiting for the next refit.
        """
        checked = _check_params(self)
        with _unchanged_on_error(self):
            self._update(X, y)
        self._checked_params = checked
        return self

    def _update(self, X, y):
        learner = _fitted_learner(self)
        X, n = validate_rows(learner, X)
        y = check_targets(y, n, allow_nan=False)
        if not hasattr(self, "n_seen_"):
            _start(self)
        if n == 0:
            return self
        if _use_partial_fit(self, learner):
            learner.teach_incremental(X, y, random_state=self._bag_rng)
        else:
            # Stored first (refused, with nothing changed, if the fitted model
            # cannot take the rows), then refit once enough are waiting.
            learner.teach(X, y, refit=False)
            if learner.n_awaiting_refit_ >= self.refit_every:
                self.flush()
        return self

    def flush(self):
        """Refit the learner on every label still waiting for a refit (for
        instance at the end of a stream).

        Returns
        -------
        self : object
        """
        learner = _fitted_learner(self)
        if getattr(learner, "n_awaiting_refit_", 0):
            empty = take_rows(learner.X_labeled_, np.arange(0))
            learner.teach(empty, np.zeros(0))
        return self

    @property
    def n_pending_(self):
        """Bought labels in the learner that it was not refit on yet."""
        return int(getattr(self.learner, "n_awaiting_refit_", 0))


def _fitted_learner(selector):
    learner = selector.learner
    if not isinstance(learner, ActiveLearningRegressor):
        raise TypeError(
            "learner must be a fitted skactive.ActiveLearningRegressor; got "
            f"{type(learner).__name__}."
        )
    if getattr(learner, "strategy_", None) is None:
        # check_is_fitted raises the usual NotFittedError (and is slow on a
        # fitted meta-estimator, so it runs only when something is missing).
        check_is_fitted(learner, "strategy_")
    return learner


def _use_partial_fit(selector, learner):
    if selector.incremental is False:
        return False
    able = can_teach_incrementally(learner)
    if selector.incremental is True and not able:
        raise ValueError(
            "incremental=True needs a learner whose regressor and committee "
            "members all have partial_fit (and no per-row fit parameter); "
            "use incremental='auto' or False to refit in batches instead."
        )
    return able


def _check_params(selector):
    """Validate the parameters, once per distinct set of values: the
    caller records the returned key when its call worked."""
    current = tuple(
        (name, repr(getattr(selector, name)))
        for name in selector._parameter_constraints
        if name != "learner"
    ) + (id(selector.learner),)
    if getattr(selector, "_checked_params", None) != current:
        selector._validate_params()
    return current


@contextlib.contextmanager
def _unchanged_on_error(selector):
    """Restore the selector's own state (counts, threshold, random states)
    if the block raises; the learner guards its own. Random states are saved
    by ``get_state``: deep-copying them cost more than a one-row decision."""
    params = set(selector._get_param_names())
    state = {k: v for k, v in selector.__dict__.items() if k not in params}
    is_rng = np.random.RandomState
    generators = {
        k: (v, v.get_state()) for k, v in state.items() if isinstance(v, is_rng)
    }
    saved = copy.deepcopy({k: v for k, v in state.items() if k not in generators})
    try:
        yield
    except BaseException:
        for key in [k for k in selector.__dict__ if k not in params]:
            del selector.__dict__[key]
        for key in state:  # in their order, so the selector pickles the same
            if key in generators:
                generator, generator_state = generators[key]
                generator.set_state(generator_state)
                selector.__dict__[key] = generator
            else:
                selector.__dict__[key] = saved[key]
        raise


def _start(selector):
    rng = check_random_state(selector.random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=4)
    selector._share_rng = np.random.RandomState(seeds[0])
    selector._score_rng = np.random.RandomState(seeds[1])
    selector._bag_rng = np.random.RandomState(seeds[2])
    selector._jitter_rng = np.random.RandomState(seeds[3])
    selector.n_seen_ = 0
    selector.n_selected_ = 0
    selector.budget_spent_ = 0.0
    # The (1 - budget) quantile of a gamma score of mean 1 and shape 8, about
    # as spread as the normalised predictive spread of a small ensemble: a
    # start the recurrence corrects within a few hundred rows. Each unit of
    # log error in this start costs 1 / threshold_step labels, once.
    selector.threshold_ = start_threshold(
        selector.rule,
        selector.budget,
        float(gammaincinv(8.0, 1.0 - selector.budget)) / 8.0
        if selector.budget < 1
        else 0,
    )
    selector.scale_ = 0.0


def _select_chunk(selector, learner, X, n):
    """Decide a chunk at once with the learner's own batch rule."""
    forced = (
        selector._share_rng.random_sample(n) < selector.budget * selector.random_share
    )
    quota = chunk_quota(selector.budget, selector.n_seen_, selector.n_selected_, n)
    selected = chunk_select(learner, X, quota, forced)
    selector.n_seen_ += n
    selector.n_selected_ += int(selected.sum())
    selector.budget_spent_ = selector.n_selected_ / selector.n_seen_
    return selected


def _select(selector, raw, n=None):
    """Run the threshold recurrence over the scores of ``n`` arriving rows."""
    n = raw.shape[0] if n is None else n
    if n == 0:
        return np.zeros(0, dtype=bool)
    if raw.shape != (n,):
        raise ValueError(
            f"The strategy returned {raw.shape} scores for {n} rows; a "
            "strategy must return one score per row."
        )
    if not np.isfinite(raw).all():
        raw = np.nan_to_num(raw, nan=0.0, posinf=np.finfo(float).max, neginf=0.0)
    draws = selector._share_rng.random_sample(n)
    selected, state = threshold_pass(
        raw,
        # budget=1 buys every row; otherwise the random share first.
        draws
        < (2.0 if selector.budget >= 1 else selector.budget * selector.random_share),
        selector.scale_,
        selector.threshold_,
        selector.n_seen_,
        selector.scale_window,
        np.exp(selector.threshold_step * (1.0 - selector.budget)),
        np.exp(-selector.threshold_step * selector.budget),
        threshold_jitter(selector.rule, selector._jitter_rng, n),
    )
    selector.scale_, selector.threshold_ = state
    selector.n_seen_ += n
    selector.n_selected_ += int(selected.sum())
    selector.budget_spent_ = selector.n_selected_ / selector.n_seen_
    return selected
