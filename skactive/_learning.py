"""The active-learning loop of ``learn``: query a batch of the rows not
queried yet, ask the oracle for those rows only, teach the answers, record
the round, check the stopping criteria, repeat.

The pool is a source of batches: :class:`MemoryPool` for rows in memory,
:class:`~skactive._dask.DaskPool` for a Dask collection; the loop is the
same for both.
"""

import numpy as np
from sklearn.utils.validation import _num_samples, check_is_fitted

from ._criteria import first_reason, labels_left, start_criteria
from ._dask import DaskPool, is_dask_collection
from ._metrics import errors
from ._querying import query_rows
from ._rows import split_row_params, take_rows
from ._validation import ask, check_n, check_oracle, check_validation_set, validate_X


class MemoryPool:
    """A pool in memory: its rows, which are still available, the oracle and
    the per-row fit parameters."""

    def __init__(self, learner, X_pool, oracle, n_queries, fit_params):
        self.learner = learner
        self.X = validate_X(learner, X_pool, reset=False)
        self.n_rows = _num_samples(self.X)
        self.n_queries = check_n(n_queries, self.n_rows, name="n_queries")
        self.oracle = oracle
        self.fit_params = fit_params
        self.available = np.ones(self.n_rows, dtype=bool)

    def check_oracle(self):
        check_oracle(self.oracle, self.n_rows)

    def next_batch(self, k):
        """The ``k`` rows the learner queries among the available ones: their
        positions, rows, the oracle's answers and their fit parameters."""
        candidates = self.candidates()
        local, _ = query_rows(self.learner, take_rows(self.X, candidates), k)
        positions = candidates[local]
        rows = take_rows(self.X, positions)
        answers = ask(self.oracle, rows, positions)
        params = split_row_params(self.fit_params, self.n_rows, positions)
        return positions, rows, answers, params

    def take(self, positions):
        self.available[positions] = False

    def candidates(self):
        return np.flatnonzero(self.available)


def run_loop(learner, teach, X_pool, oracle, options, fit_params):
    """Run the loop of :meth:`ActiveLearningRegressor.learn`.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        Fitted.
    teach : callable
        ``teach(X, y, raw_X, params)`` adds validated rows to the learner and
        refits it.
    X_pool, oracle : the pool and its oracle, as ``learn`` takes them
    options : dict
        ``n_queries``, ``batch_size``, ``X_val``, ``y_val``, ``verbose`` and
        ``stopping``, as ``learn`` takes them.
    fit_params : dict
        Fit parameters of the pool rows.
    """
    stopping = options["stopping"]
    if is_dask_collection(X_pool):
        DaskPool.refuse(fit_params, stopping)
        pool = DaskPool(learner, X_pool, oracle, options["n_queries"])
    else:
        pool = MemoryPool(learner, X_pool, oracle, options["n_queries"], fit_params)
    batch_size = options["batch_size"]
    batch_size = learner.batch_size if batch_size is None else batch_size
    batch_size = check_n(batch_size, np.inf, name="batch_size")
    pool.check_oracle()
    X_val, y_val = check_validation_set(learner, options["X_val"], options["y_val"])
    criteria = start_criteria(stopping, learner=learner)
    bought = 0
    while bought < pool.n_queries:
        k = min(batch_size, pool.n_queries - bought)
        # A label budget is exact: the last batch is cut to fit.
        left = labels_left(criteria, learner)
        if left is not None:
            if left <= 0:
                break
            k = min(k, left)
        positions, rows, answers, params = pool.next_batch(k)
        record = teach_round(
            learner, teach, positions, rows, answers, params, X_val, y_val
        )
        if options["verbose"]:
            rmse = record["val_rmse"]
            tail = "" if rmse is None else f", validation RMSE {rmse:.4g}"
            print(f"round {record['round']}: {record['n_labels']} labels{tail}")
        pool.take(positions)
        bought += k
        reason = first_reason(criteria, learner, pool.X, pool.candidates(), record)
        if reason:
            record["stopped"] = reason
            break
    return learner


def teach_round(learner, teach, positions, rows, answers, params, X_val, y_val):
    """Teach one round's answers and append its record to ``history_``.

    If the oracle left some rows unanswered (NaN), the others are taught
    and recorded, then a ValueError names the unanswered positions.
    """
    answered = ~np.isnan(answers)
    if answered.all():
        teach(rows, answers, rows, params)
        return _append_record(learner, positions, X_val, y_val)
    kept = positions[answered]
    if kept.size:
        keep = np.flatnonzero(answered)
        kept_rows = take_rows(rows, keep)
        teach(
            kept_rows,
            answers[answered],
            kept_rows,
            split_row_params(params, len(positions), keep),
        )
        _append_record(learner, kept, X_val, y_val)
    raise ValueError(
        f"The oracle returned NaN for pool positions "
        f"{positions[~answered].tolist()}; the {kept.size} other answers "
        "of this round were taught. Give a number for every row."
    )


def _append_record(learner, positions, X_val, y_val):
    record = round_record(learner, positions, X_val, y_val)
    learner.history_.append(record)
    return record


def round_record(learner, positions, X_val=None, y_val=None):
    """The ``history_`` record of a round that bought ``positions``."""
    return {
        "round": len(learner.history_) + 1,
        "n_labels": learner.n_labeled_,
        "positions": np.asarray(positions, dtype=np.intp),
        **_validation_errors(learner, X_val, y_val),
    }


def _validation_errors(learner, X_val, y_val):
    val_rmse = val_mae = None
    if X_val is not None:
        val_rmse, val_mae = errors(y_val, learner.predict(X_val))
    return {"val_rmse": val_rmse, "val_mae": val_mae}


class LearningMixin:
    """The loop of a fitted :class:`~skactive.ActiveLearningRegressor`:
    :meth:`learn` runs :func:`run_loop` with the learner's own teach."""

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
        options = {
            "n_queries": n_queries,
            "batch_size": batch_size,
            "X_val": X_val,
            "y_val": y_val,
            "verbose": verbose,
            "stopping": stopping,
        }
        return run_loop(
            self, self._teach_validated, X_pool, oracle, options, fit_params
        )
