"""ActiveLearningRegressor: a regressor that says which rows to label next."""

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
)
from sklearn.ensemble import RandomForestRegressor
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._boosting import one_thread
from ._budget import budgeted_state
from ._dask import dask_learn, dask_query, is_dask_collection
from ._domain import learn_domain
from ._members import (
    can_partial_fit,
    fit_models,
    partial_fit_models,
    predict_rows,
    transform_for_final,
)
from ._metrics import errors
from ._rows import (
    append_row_params,
    concat_rows,
    is_row_param,
    split_row_params,
    take_rows,
)
from ._validation import (
    ask,
    check_float32_targets,
    check_n,
    check_oracle,
    check_row_params,
    check_targets,
    check_validation_set,
    validate_X,
)
from .stopping import first_reason, labels_left, start_criteria
from .strategies._lcmd import LCMDSampling
from .strategies._registry import (
    BATCH_SELECTIONS,
    STRATEGIES,
    resolve_batch_selection,
    resolve_strategy,
)


class ActiveLearningRegressor(RegressorMixin, MetaEstimatorMixin, BaseEstimator):
    """A regressor that also says which unlabeled rows are worth labeling next.

    Wraps any scikit-learn regressor (or a ``Pipeline`` ending in one, or a
    committee of regressors) behind ``fit``/``predict`` and adds
    :meth:`query`, :meth:`teach` and :meth:`learn`. Rows whose target is NaN
    are unlabeled: ``fit`` ignores them.

    Parameters
    ----------
    estimator : estimator object, default=None
        Any regressor, or a Pipeline ending in one. None means a
        ``RandomForestRegressor(n_estimators=100)``.
    strategy : str or strategy object, default="lcmd"
        How informative a pool row is: ``"random"``, ``"uncertainty"``,
        ``"qbc"``, ``"emcm"``, ``"gsx"``, ``"gsy"``, ``"igs"``, ``"lcmd"``, or
        an object from :mod:`skactive.strategies`. The default, ``"lcmd"``
        (:class:`~skactive.strategies.LCMDSampling`), chooses diverse,
        representative batches in a space built from the committee's
        predictions and the model's important inputs; it beat random
        sampling on the open benchmark suite where top-k uncertainty lost
        (``benchmarks/label_efficiency.py``).
    committee : None, int or list of regressors, default=None
        None: no committee. An int: that many bootstrap clones of
        ``estimator``. A list: those regressors (cloned, never fitted in
        place). Each member is fit on its own bootstrap resample of the
        labeled rows, and predictions are the members' mean.
    batch_selection : {"top", "diverse"} or batch-rule object, default=None
        How a batch of ``n`` is chosen from the scores. None: the strategy's
        own default.
    budget : int, default=None
        If set, ``fit(X, y)`` runs a simulated active-learning loop on its
        rows: ``initial_size`` labels at random, then rounds of
        ``batch_size`` queried with ``y`` as the oracle, until ``budget``
        labels are bought. The model is trained on exactly those labels.
    initial_size : int, default=None
        Labels drawn at random before the first query of a budgeted fit.
        None means ``min(batch_size, budget)``.
    batch_size : int, default=10
        Rows queried per round in :meth:`learn` and in a budgeted fit.
    n_jobs : int, default=None
        Jobs for fitting committee members and scoring ensemble members.
    random_state : int, RandomState instance or None, default=None
        Seeds the default forest, the bootstrap resamples, random sampling
        and the initial labels of a budgeted fit.

    Attributes
    ----------
    estimator_ : estimator or None
        The regressor fit on every labeled row (None when a ``committee`` is
        given: then the committee predicts).
    committee_ : list of estimators or None
        Fitted committee members: the ones asked for, or the bootstrap
        clones a strategy needed because the model has no spread of its own.
    strategy_ : strategy object
        The strategy used by :meth:`query`.
    batch_selection_ : batch-rule object
        The batch rule used by :meth:`query`.
    X_labeled_ : array-like of shape (`n_labeled_`, n_features)
        Every labeled row the model was trained on.
    y_labeled_ : ndarray of shape (`n_labeled_`,)
        Their targets.
    n_labeled_ : int
        Number of labeled rows.
    n_awaiting_refit_ : int
        Labeled rows taught with ``teach(..., refit=False)`` that the models
        have not been refit on yet (0 after ``fit`` or a refitting
        ``teach``).
    history_ : list of dict
        One record per round of :meth:`learn` or of a budgeted fit:
        ``round``, ``n_labels`` (labels so far), ``positions`` (queried
        positions in the pool of that call), ``val_rmse`` and ``val_mae``
        (None without a validation set); ``stopped`` (the reason) on the
        round after which a stopping criterion ended :meth:`learn`.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_friedman1
    >>> from skactive import ActiveLearningRegressor
    >>> X, y = make_friedman1(n_samples=200, random_state=0)
    >>> y_known = np.full_like(y, np.nan)
    >>> y_known[:20] = y[:20]
    >>> alr = ActiveLearningRegressor(random_state=0).fit(X, y_known)
    >>> positions = alr.query(X[20:], n=5)
    >>> alr = alr.teach(X[20:][positions], y[20:][positions])
    >>> alr.n_labeled_
    25
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "strategy": [StrOptions(set(STRATEGIES)), HasMethods(["score"])],
        "committee": [Interval(Integral, 2, None, closed="left"), list, None],
        "batch_selection": [
            StrOptions(set(BATCH_SELECTIONS)),
            HasMethods(["select"]),
            None,
        ],
        "budget": [Interval(Integral, 1, None, closed="left"), None],
        "initial_size": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        strategy="lcmd",
        committee=None,
        batch_selection=None,
        budget=None,
        initial_size=None,
        batch_size=10,
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.strategy = strategy
        self.committee = committee
        self.batch_selection = batch_selection
        self.budget = budget
        self.initial_size = initial_size
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Fit on the labeled rows of ``X`` (those whose target is not NaN).

        With ``budget`` set, run a simulated active-learning loop instead and
        keep the model trained on exactly the labels it bought.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Input rows. A DataFrame with missing values and categories is
            fine when ``estimator`` is a Pipeline that handles them.
        y : array-like of shape (n_samples,)
            Targets; NaN marks an unlabeled row.
        **fit_params : dict
            Passed to the estimator's ``fit``. Per-row parameters such as
            ``sample_weight`` follow their rows.

        Returns
        -------
        self : object
            Fitted learner.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None. Pass the targets, with NaN for unlabeled rows."
            )
        # validate_data(reset=True) records the input's features at once; a
        # fit that fails later must not leave a fitted learner expecting them.
        seen = {
            name: self.__dict__[name]
            for name in ("n_features_in_", "feature_names_in_")
            if name in self.__dict__
        }
        try:
            return self._fit(X, y, fit_params)
        except Exception:
            for name in ("n_features_in_", "feature_names_in_"):
                self.__dict__.pop(name, None)
            self.__dict__.update(seen)
            raise

    def _fit(self, X, y, fit_params):
        raw_X = X
        X = self._validate_X(X, reset=True)
        y = check_targets(y, _num_samples(X), allow_nan=True)
        strategy = resolve_strategy(self.strategy)
        batch_selection = self._resolve_batch_selection(strategy)
        labeled = np.flatnonzero(~np.isnan(y))
        if labeled.size == 0:
            raise ValueError(
                "y has no labeled row (every target is NaN). Label a first batch: "
                "skactive.cold_start(X_pool, n) says which rows to label."
            )
        if self.budget is not None:
            state = budgeted_state(self, X, y, labeled, fit_params)
        else:
            params = split_row_params(fit_params, _num_samples(X), labeled)
            state = self._fit_state(
                take_rows(X, labeled), y[labeled], params, strategy, batch_selection
            )
            state["history_"] = []
        state["n_awaiting_refit_"] = 0
        # The domain of every row, labeled or not, for synthesize().
        state["domain_"] = learn_domain(raw_X if hasattr(raw_X, "iloc") else X)
        for name, value in state.items():
            setattr(self, name, value)
        return self

    def _fit_state(self, X, y, params, strategy, batch_selection):
        """Fit the model (and committee) on labeled rows; return the new state."""
        n_labeled = _num_samples(X)
        with one_thread(self, n_labeled):
            main, committee = fit_models(
                self._get_estimator(),
                self.committee,
                strategy,
                X,
                y,
                params,
                rng=self._rng(salt=n_labeled),
                n_jobs=self.n_jobs,
            )
        return {
            "estimator_": main,
            "committee_": committee,
            "strategy_": strategy,
            "batch_selection_": batch_selection,
            "X_labeled_": X,
            "y_labeled_": y,
            "n_labeled_": n_labeled,
            "_fit_params": params,
        }

    # -------------------------------------------------------------- predict

    def predict(self, X, return_std=False):
        """Predict targets, and optionally the predictive spread.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        return_std : bool, default=False
            Also return the standard deviation of the predictive
            distribution (native, from the ensemble members, or from the
            committee).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,)
            Only when ``return_std=True``.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        with one_thread(self, _num_samples(X)):
            return predict_rows(self, X, return_std)

    # ---------------------------------------------------------------- query

    def query(self, X_pool, n=1, *, return_scores=False):
        """Positions of the ``n`` pool rows most worth labeling, best first.

        Parameters
        ----------
        X_pool : array-like or sparse matrix of shape (n_pool, n_features)
            Unlabeled candidate rows, with the features seen in ``fit``.
        n : int, default=1
            Number of rows to return.
        return_scores : bool, default=False
            Also return the strategy's score of every pool row.

        Returns
        -------
        positions : ndarray of shape (n,)
            Integer positions into ``X_pool``, most informative first.
        scores : ndarray of shape (n_pool,)
            Only when ``return_scores=True``; higher is more informative.
        """
        check_is_fitted(self)
        if is_dask_collection(X_pool):
            return dask_query(self, X_pool, n, return_scores=return_scores)
        X_pool = self._validate_X(X_pool, reset=False)
        positions, scores = self._query(X_pool, check_n(n, _num_samples(X_pool)))
        return (positions, scores) if return_scores else positions

    def _query(self, X_pool, n):
        if isinstance(self.strategy_, LCMDSampling):
            check_float32_targets(self.y_labeled_)
        rng = self._rng(salt=self.n_labeled_ + 1)
        X_model = None
        if self.strategy_.selects_batch or getattr(
            self.batch_selection_, "needs_model_space", False
        ):
            X_model = self.model_space(X_pool)  # once per query, passed in
        with one_thread(self, _num_samples(X_pool)):
            positions, scores = self.strategy_.query(
                self,
                X_pool,
                n,
                self.batch_selection_,
                random_state=rng,
                X_model=X_model,
            )
        return np.asarray(positions, dtype=np.intp), np.asarray(scores, dtype=float)

    # ----------------------------------------------------------- synthesize

    def synthesize(self, n=1, *, bounds=None):
        """Membership query synthesis: ``n`` new rows worth labeling, in no pool.

        The rows lie in the domain of the rows ``fit`` was given (labeled or
        not) and taught since: each numeric column within its range, integer
        columns holding integers, categorical columns taking only values
        seen. A per-row score strategy's rows maximise its score, weighted by
        how much of the domain lies near them (so they do not pile up on its
        boundary), spread apart (no near-duplicates); a batch strategy (the
        default, ``"lcmd"``) chooses its batch from uniform candidates of the
        domain as from a pool. They are meant for an oracle
        that can label any row (a simulator, a lab): pass the answers to
        :meth:`teach`. With the ``"random"`` strategy they are a uniform
        random design in the domain.
        See :func:`skactive.synthesis.synthesize` for the method.

        Parameters
        ----------
        n : int, default=1
            Number of rows.
        bounds : dict or sequence, default=None
            Replace the learned domain of some columns: a dict from column
            (name or position) to ``(low, high)`` for a numeric column or a
            list of allowed values for a categorical one, or one such entry
            (or None) per column.

        Returns
        -------
        X_new : DataFrame, ndarray or sparse matrix of shape (n, n_features)
            Like the rows given to ``fit``: a DataFrame in gives a DataFrame
            with the same columns and dtypes. Most informative first.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import make_friedman1
        >>> from skactive import ActiveLearningRegressor
        >>> X, y = make_friedman1(n_samples=200, random_state=0)
        >>> alr = ActiveLearningRegressor(random_state=0).fit(X[:30], y[:30])
        >>> X_new = alr.synthesize(5)
        >>> X_new.shape
        (5, 10)
        >>> y_new = 10 * np.sin(np.pi * X_new[:, 0] * X_new[:, 1])  # any oracle
        >>> alr.teach(X_new, y_new).n_labeled_
        35
        """
        from .synthesis import synthesize  # a feature of its own, loaded on use

        check_is_fitted(self)
        return synthesize(
            self, n, bounds=bounds, random_state=self._rng(salt=self.n_labeled_ + 2)
        )

    def model_space(self, X):
        """Rows as the final regressor sees them (after a Pipeline's transforms).

        Part of the protocol strategies and batch rules use: distances
        between rows are measured in this space.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Validated rows, in the learner's input space.

        Returns
        -------
        X_model : array-like or sparse matrix of shape (n_samples, n_model_features)
            ``X`` itself when the estimator is not a Pipeline.
        """
        check_is_fitted(self)
        reference = (
            self.estimator_ if self.estimator_ is not None else self.committee_[0]
        )
        return transform_for_final(reference, X)

    # ---------------------------------------------------------------- teach

    def teach(self, X, y, *, refit=True, **fit_params):
        """Add labeled rows and refit.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The new rows. Zero rows add nothing: then ``teach`` only refits
            if rows taught with ``refit=False`` are waiting (and ``refit``
            is True).
        y : array-like of shape (n_samples,)
            Their targets (no NaN).
        refit : bool, default=True
            False: store the rows and targets at once (``X_labeled_``,
            ``y_labeled_``, ``n_labeled_`` include them, and a learner saved
            now keeps them) but leave the models as they are until a later
            ``teach`` with ``refit=True``, which refits on every stored row.
            ``n_awaiting_refit_`` counts the rows waiting. The rows must be
            ones the fitted model can take (they are passed through its
            ``predict`` first), so a refit cannot fail later because of them.
            This is how :class:`~skactive.StreamSelector` keeps every label
            it bought without a refit per label.
        **fit_params : dict
            Per-row fit parameters for the new rows (``sample_weight``
            defaults to 1 for them), one value per new row.

        Returns
        -------
        self : object
            The learner. If anything fails, it is left unchanged.
        """
        check_is_fitted(self)
        raw_X = X
        X, n_new = self._validate_rows(X)
        y = check_targets(y, n_new, allow_nan=False)
        check_row_params(fit_params, n_new, self._fit_params, self.n_labeled_)
        if n_new == 0:
            if refit and getattr(self, "n_awaiting_refit_", 0):
                return self._teach_validated(X, y, raw_X, {})
            return self
        if not refit:
            try:
                self.predict(X)
            except Exception as exc:
                raise ValueError(
                    f"The fitted model cannot take these rows, so they are not "
                    f"stored: {type(exc).__name__}: {exc}. Fix the rows, or teach "
                    "them with refit=True."
                ) from exc
        return self._teach_validated(X, y, raw_X, fit_params, refit=refit)

    def _validate_rows(self, X):
        """``X`` checked against the fitted features, zero rows allowed;
        returns ``(X, n_rows)``."""
        shape = getattr(X, "shape", None)
        if shape is not None and len(shape) == 2 and shape[0] == 0:
            if shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has {shape[1]} features, but the learner was fit on "
                    f"{self.n_features_in_} features; pass rows with those features."
                )
            return X, 0
        X = self._validate_X(X, reset=False)
        return X, _num_samples(X)

    def _teach_validated(self, X, y, raw_X, fit_params, refit=True):
        """Append validated rows and targets, refit (unless ``refit`` is
        False), and swap the new state in."""
        n_new = _num_samples(X)
        X_all = concat_rows(self.X_labeled_, X) if n_new else self.X_labeled_
        y_all = np.concatenate([self.y_labeled_, y])
        params = append_row_params(self._fit_params, self.n_labeled_, fit_params, n_new)
        if refit:
            state = self._fit_state(
                X_all, y_all, params, self.strategy_, self.batch_selection_
            )
            state["n_awaiting_refit_"] = 0
        else:
            state = {
                "X_labeled_": X_all,
                "y_labeled_": y_all,
                "n_labeled_": int(y_all.shape[0]),
                "_fit_params": params,
                "n_awaiting_refit_": getattr(self, "n_awaiting_refit_", 0) + n_new,
            }
        if n_new:
            state["domain_"] = self.domain_.union(
                raw_X if hasattr(raw_X, "iloc") else X
            )
        for name, value in state.items():
            setattr(self, name, value)
        return self

    def _can_teach_incrementally(self):
        """Whether :meth:`_teach_incremental` can take new rows: every model
        has ``partial_fit`` and no fit parameter is per row."""
        models = [self.estimator_, *(self.committee_ or [])]
        return can_partial_fit(models) and not any(
            is_row_param(value, self.n_labeled_) for value in self._fit_params.values()
        )

    def _teach_incremental(self, X, y, rng):
        """Teach validated rows through the models' ``partial_fit``, with no
        refit: the incremental path of :class:`~skactive.StreamSelector`.
        If an update fails, the learner is left as it was."""
        main, members = partial_fit_models(self.estimator_, self.committee_, X, y, rng)
        y_all = np.concatenate([self.y_labeled_, y])
        state = {
            "estimator_": main,
            "committee_": members,
            "X_labeled_": concat_rows(self.X_labeled_, X),
            "y_labeled_": y_all,
            "n_labeled_": int(y_all.shape[0]),
        }
        if getattr(self, "domain_", None) is not None:
            state["domain_"] = self.domain_.union(X)
        for name, value in state.items():
            setattr(self, name, value)
        return self

    # ---------------------------------------------------------------- learn

    def learn(
        self,
        X_pool,
        oracle,
        *,
        n_queries,
        batch_size=None,
        X_val=None,
        y_val=None,
        verbose=False,
        stopping=None,
        **fit_params,
    ):
        """Run the active-learning loop: query, ask the oracle, teach, repeat.

        Parameters
        ----------
        X_pool : array-like or sparse matrix of shape (n_pool, n_features)
            Candidate rows. A row is queried at most once per call; the
            learner does not recognise rows it was taught earlier, so pass
            only rows that are still unlabeled.
        oracle : callable or array-like of shape (n_pool,)
            A callable takes the queried rows and returns their targets. An
            array holds the targets aligned with ``X_pool`` and is read only
            at the queried positions.
        n_queries : int
            Number of labels to buy.
        batch_size : int, default=None
            Rows per round; None means the learner's ``batch_size``.
        X_val, y_val : array-like, default=None
            A validation set; its RMSE is recorded after every round.
        verbose : bool, default=False
            Print one line per round.
        stopping : criterion or list of criteria, default=None
            From :mod:`skactive.stopping`, validated (with any data they
            hold) before the first label is bought and checked after every
            round; the first that fires ends the loop before ``n_queries``
            and writes its reason into the round's record as
            ``history_[-1]["stopped"]``. A :class:`~skactive.LabelBudget` is
            exact: the last batch is cut to fit it, and a learner already at
            the budget buys nothing.
        **fit_params : dict
            Fit parameters for the pool rows: a per-row one (such as
            ``sample_weight``) has one value per row of ``X_pool`` and is
            passed, with its rows, to the fits that teach them.

        Returns
        -------
        self : object
            The learner, taught every answer. If the oracle fails in a round,
            every label from the earlier rounds is kept.
        """
        check_is_fitted(self)
        if is_dask_collection(X_pool):
            if fit_params:
                raise ValueError(
                    "Fit parameters for the pool rows are not available for a "
                    f"Dask pool (got {sorted(fit_params)}); pass them for a pool "
                    "in memory, or none."
                )
            return dask_learn(
                self,
                X_pool,
                oracle,
                n_queries=n_queries,
                batch_size=batch_size,
                X_val=X_val,
                y_val=y_val,
                verbose=verbose,
                stopping=stopping,
            )
        X_pool = self._validate_X(X_pool, reset=False)
        n_pool = _num_samples(X_pool)
        n_queries = check_n(n_queries, n_pool, name="n_queries")
        batch_size = self.batch_size if batch_size is None else batch_size
        batch_size = check_n(batch_size, np.inf, name="batch_size")
        check_oracle(oracle, n_pool)
        X_val, y_val = check_validation_set(self, X_val, y_val)
        criteria = start_criteria(stopping, learner=self)
        available = np.ones(n_pool, dtype=bool)
        bought = 0
        while bought < n_queries:
            candidates = np.flatnonzero(available)
            k = min(batch_size, n_queries - bought)
            # A label budget is exact: the last batch is cut to fit.
            left = labels_left(criteria, self)
            if left is not None:
                if left <= 0:
                    break
                k = min(k, left)
            local, _ = self._query(take_rows(X_pool, candidates), k)
            positions = candidates[local]
            rows = take_rows(X_pool, positions)
            answers = ask(oracle, rows, positions)
            params = split_row_params(fit_params, n_pool, positions)
            record = self._teach_round(
                positions, rows, answers, params, X_val, y_val, verbose
            )
            available[positions] = False
            bought += k
            reason = first_reason(
                criteria, self, X_pool, np.flatnonzero(available), record
            )
            if reason:
                record["stopped"] = reason
                break
        return self

    def _teach_round(self, positions, rows, answers, params, X_val, y_val, verbose):
        """Teach one round's answers and record the round in ``history_``.

        If the oracle left some rows unanswered (NaN), the others are taught
        and recorded, then a ValueError names the unanswered positions.
        """
        answered = ~np.isnan(answers)
        if not answered.all():
            kept = positions[answered]
            if kept.size:
                keep = np.flatnonzero(answered)
                kept_rows = take_rows(rows, keep)
                self._teach_validated(
                    kept_rows,
                    answers[answered],
                    kept_rows,
                    split_row_params(params, len(positions), keep),
                )
                self.history_.append(self._record(kept, X_val, y_val))
            raise ValueError(
                f"The oracle returned NaN for pool positions "
                f"{positions[~answered].tolist()}; the {kept.size} other answers "
                "of this round were taught. Give a number for every row."
            )
        self._teach_validated(rows, answers, rows, params)
        record = self._record(positions, X_val, y_val)
        self.history_.append(record)
        if verbose:
            rmse = record["val_rmse"]
            tail = "" if rmse is None else f", validation RMSE {rmse:.4g}"
            print(f"round {record['round']}: {record['n_labels']} labels{tail}")
        return record

    def _record(self, positions, X_val, y_val):
        val_rmse = val_mae = None
        if X_val is not None:
            val_rmse, val_mae = errors(y_val, self.predict(X_val))
        return {
            "round": len(self.history_) + 1,
            "n_labels": self.n_labeled_,
            "positions": np.asarray(positions, dtype=np.intp),
            "val_rmse": val_rmse,
            "val_mae": val_mae,
        }

    # -------------------------------------------------------------- helpers

    def _get_estimator(self):
        if self.estimator is None:
            return RandomForestRegressor(n_estimators=100, n_jobs=self.n_jobs)
        return self.estimator

    def _resolve_batch_selection(self, strategy):
        return resolve_batch_selection(self.batch_selection, strategy)

    def _validate_X(self, X, reset):
        return validate_X(self, X, reset)

    def _rng(self, salt):
        """A RandomState for one step, reproducible from an int ``random_state``."""
        if isinstance(self.random_state, Integral):
            return np.random.RandomState([int(self.random_state) % 2**32, salt % 2**32])
        return check_random_state(self.random_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        models = [self._get_estimator()]
        if isinstance(self.committee, list):
            models = self.committee
        inner = [get_tags(model).input_tags for model in models]
        for name in ("allow_nan", "sparse", "categorical", "string"):
            setattr(tags.input_tags, name, all(getattr(t, name) for t in inner))
        return tags
