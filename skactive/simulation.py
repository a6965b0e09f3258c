"""Honest simulations: learning curves of strategies against random sampling.

The runs (one per repeat and strategy) live here; what they produce is
:class:`~skactive.SimulationResult` (``_simulation_result``), their warnings
are summarised one per cause (``_warning_summary``) and their progress is
shown by ``_progress``.
"""

import warnings
from collections.abc import Mapping
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    validate_params,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _num_samples

from ._boosting import one_thread
from ._budget import fit_then_learn
from ._densify import densified
from ._members import default_estimator
from ._metrics import errors
from ._progress import Progress
from ._regressor import ActiveLearningRegressor
from ._rows import take_rows
from ._simulation_result import DEFAULT_STRATEGY, SimulationResult
from ._warning_summary import summarize_warnings

__all__ = ["DEFAULT_STRATEGY", "SimulationResult", "simulate", "summarize_warnings"]


def _strategy_settings(strategies):
    """``{label: params}`` from names, strategy objects or a mapping."""
    if isinstance(strategies, Mapping):
        return {str(k): dict(v) for k, v in strategies.items()}
    settings = {}
    for strategy in strategies:
        label = strategy if isinstance(strategy, str) else type(strategy).__name__
        if label in settings:
            raise ValueError(
                f"Two strategies share the label {label!r}; pass a mapping "
                "{label: {'strategy': ...}} to tell them apart."
            )
        settings[label] = {"strategy": strategy}
    return settings


@validate_params(
    {
        "learner": [HasMethods(["fit", "learn", "predict"])],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "strategies": [list, tuple, Mapping],
        "budget": [Interval(Integral, 1, None, closed="left")],
        "initial_size": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "test_size": [
            Interval(RealNotInt, 0, 1, closed="neither"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "headroom": ["boolean"],
        "progress": ["boolean", None],
        "stopping": "no_validation",
    },
    prefer_skip_nested_validation=False,
)
def simulate(
    learner,
    X,
    y,
    *,
    strategies=("random", "uncertainty"),
    budget,
    initial_size,
    batch_size,
    test_size=0.25,
    n_repeats=5,
    n_jobs=None,
    random_state=None,
    headroom=True,
    progress=None,
    stopping=None,
):
    """Run active learning with the data's own targets as the oracle.

    Per repeat: split off a test set that is never in the pool, draw the
    same initial labels for every strategy, then query ``batch_size`` rows
    per round until ``budget`` labels, reading a target only when its row is
    queried. Test RMSE and MAE are recorded after the initial fit and after
    every round. Every strategy of a repeat gets the same split, the same
    initial labels and the same ``random_state``, so differences between
    strategies are differences in what they chose to label.

    Parameters
    ----------
    learner : ActiveLearningRegressor
        Template; cloned for every strategy and repeat.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Fully labeled targets.
    strategies : sequence or mapping, default=("random", "uncertainty")
        Strategy names or objects, or ``{label: {param: value}}`` to set
        several learner parameters per entry, e.g.
        ``{"uncertainty-diverse": {"strategy": "uncertainty",
        "batch_selection": "diverse"}}``.
    budget : int
        Labels at the end of each run.
    initial_size : int
        Labels drawn at random before the first query.
    batch_size : int
        Rows per round.
    test_size : float or int, default=0.25
        Share (or number) of rows held out for testing.
    n_repeats : int, default=5
        Independent splits and initial sets.
    n_jobs : int, default=None
        Runs (one per repeat and strategy) in parallel with joblib.
    random_state : int, RandomState instance or None, default=None
    headroom : bool, default=True
        Also fit the same model on the whole pool of each repeat (one more
        fit per repeat), so :meth:`SimulationResult.summary` can say how
        much any strategy could have saved.
    progress : bool or None, default=None
        Report finished runs on stderr: in a terminal a ``tqdm`` bar if
        installed (the ``progress`` extra), else one line rewritten in
        place; elsewhere a plain line at every tenth of the runs. None: only
        for runs of 8 tasks or more when stderr is a terminal.
    stopping : criterion or list of criteria, default=None
        From :mod:`skactive.stopping`, passed to every run's ``learn``: a run
        ends before ``budget`` when one fires, so its curve is shorter.

    Returns
    -------
    result : SimulationResult

    Examples
    --------
    Greedy sampling in input space against random sampling, three rounds
    of 10 labels per run:

    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.linear_model import Ridge
    >>> from skactive import ActiveLearningRegressor, simulate
    >>> X, y = make_friedman1(n_samples=200, random_state=0)
    >>> result = simulate(ActiveLearningRegressor(Ridge()), X, y,
    ...                   strategies=["random", "gsx"], budget=30,
    ...                   initial_size=10, batch_size=10, n_repeats=3,
    ...                   random_state=0)
    >>> sorted(result.summary().index)
    ['gsx', 'random']
    >>> result.curves["n_labels"].unique().tolist()
    [10, 20, 30]
    """
    settings = _strategy_settings(strategies)
    if not settings:
        raise ValueError("strategies is empty; pass at least one strategy.")
    y = np.asarray(y, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-d, one target per row; got shape {y.shape}.")
    if np.isnan(y).any():
        raise ValueError("simulate needs every target; drop the rows with NaN in y.")
    n_samples = _num_samples(X)
    if n_samples != y.shape[0]:
        raise ValueError(
            f"X has {n_samples} rows but y has {y.shape[0]}; pass one target per row."
        )
    if initial_size > budget:
        raise ValueError(
            f"budget={budget} is smaller than initial_size={initial_size}; pass "
            "a budget at least as large as the initial set."
        )
    rng = check_random_state(random_state)
    seeds = rng.randint(2**31 - 1, size=n_repeats)
    n_pool = train_test_split(
        np.arange(n_samples), test_size=test_size, random_state=int(seeds[0])
    )[0].size
    _check_budget(budget, n_pool)
    _fit_up_front(learner, X, y, n_pool, budget, int(seeds[0]))
    # Repeat by repeat (the whole-pool model last), so that repeats finish
    # in order and a failure keeps every repeat before it.
    runs = list(settings.items()) + ([(None, None)] if headroom else [])
    sizes = (budget, initial_size, batch_size, test_size)
    # Each task: the arguments of _one_run after (learner, X, y).
    tasks = [
        (label, params, *sizes, repeat, seeds[repeat], order, stopping)
        for repeat in range(n_repeats)
        for order, (label, params) in enumerate(runs)
    ]
    frames, caught, failures = {}, [], []
    jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_quiet_run)(learner, X, y, *task) for task in tasks
    )
    with Progress(len(tasks), progress) as bar:
        for key, frame, error, warned in jobs:
            caught.extend(warned)
            if error is not None:
                # Fail fast: the runs still going are dropped, the finished
                # repeats are kept.
                failures.append((key, error))
                break
            frames[key] = frame
            bar.update()
    if hasattr(jobs, "close"):
        jobs.close()  # after a failure: cancel the runs not yet started
    n_settings = len(settings)
    per_repeat = n_settings + (1 if headroom else 0)
    done = sorted(
        repeat
        for repeat in range(n_repeats)
        if sum(key[0] == repeat for key in frames) == per_repeat
    )
    causes = summarize_warnings(caught, _n_columns(X))
    for cause in causes:
        warnings.warn(cause["summary"], cause["category"], stacklevel=2)
    if failures:
        (repeat, order), error = failures[0]
        what = (
            "the whole-pool model"
            if order == n_settings
            else (f"strategy {list(settings)[order]!r}")
        )
        message = f"simulate: repeat {repeat} failed ({what}): {error}. "
        if not done:
            raise ValueError(
                message + "No repeat finished; fix the cause and run again."
            )
        warnings.warn(
            message + f"Returning the {len(done)} finished repeat"
            f"{'s' if len(done) != 1 else ''} ({', '.join(map(str, done))}); see "
            "result.failures.",
            UserWarning,
            stacklevel=2,
        )
    keys = sorted(key for key in frames if key[0] in done)
    curves = pd.concat(
        [frames[k] for k in keys if k[1] < n_settings], ignore_index=True
    )
    full_pool = None
    if headroom:
        full_pool = pd.concat(
            [frames[k] for k in keys if k[1] == n_settings], ignore_index=True
        ).drop(columns="strategy")
    result = SimulationResult(curves, full_pool)
    result.failures = [
        {
            "repeat": key[0],
            "strategy": list(settings)[key[1]] if key[1] < n_settings else None,
            "error": error,
        }
        for key, error in failures
    ]
    result.warnings = [
        {key: cause[key] for key in ("category", "message", "count", "messages")}
        for cause in causes
    ]
    return result


def _fit_up_front(learner, X, y, n_pool, budget, seed):
    """Fit the model once on a sample as large as the pool (at most a few
    thousand rows, at least the budget) and predict other rows, so a model
    that cannot take this data fails now, not after many rounds.

    The targets are shuffled first: the check needs the target's values, not
    which row holds which, so no row's label is read before it is queried.
    """
    if not isinstance(learner, ActiveLearningRegressor):
        return
    committee = learner.committee
    models = committee if isinstance(committee, list) else [default_estimator(learner)]
    n_samples = y.shape[0]
    size = min(n_pool, max(budget, 2000))
    rng = np.random.RandomState(seed)
    rows = rng.permutation(n_samples)
    sample, others = rows[:size], rows[size:][:500]
    shuffled = y[rng.permutation(n_samples)[:size]]
    for template in models:
        try:
            with warnings.catch_warnings():
                # Any warning recurs in the runs, where it is summarised.
                warnings.simplefilter("ignore")
                with one_thread(learner, size):
                    model = densified(clone(template))
                    model.fit(take_rows(X, sample), shuffled)
                    if others.size:
                        model.predict(take_rows(X, others))
        except Exception as exc:
            raise ValueError(
                f"The model fails on this data before any round was run (fit on "
                f"{size} sample rows, then predict): {type(exc).__name__}: {exc}"
            ) from exc


def _n_columns(X):
    shape = getattr(X, "shape", None)
    return int(shape[1]) if shape is not None and len(shape) == 2 else None


def _check_budget(budget, n_pool):
    if budget > n_pool:
        raise ValueError(
            f"budget={budget} exceeds the pool ({n_pool} rows after holding out "
            "the test set); lower the budget or the test_size."
        )


def _quiet_run(*args):
    """``_one_run`` with its warnings recorded and an exception returned:
    ``(key, frame or None, error text or None, [(category, message), ...])``."""
    key = (args[9], args[11])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            key, frame = _one_run(*args)
            error = None
        except Exception as exc:  # reported by simulate, which keeps the rest
            frame, error = None, f"{type(exc).__name__}: {exc}"
    return key, frame, error, [(w.category, str(w.message)) for w in caught]


def _one_run(
    learner,
    X,
    y,
    label,
    params,
    budget,
    initial_size,
    batch_size,
    test_size,
    repeat,
    seed,
    order,
    stopping=None,
):
    """One strategy (or, with ``label=None``, the whole-pool model) in one repeat."""
    positions = np.arange(y.shape[0])
    pool, test = train_test_split(positions, test_size=test_size, random_state=seed)
    n_pool = pool.size
    _check_budget(budget, n_pool)
    X_pool, y_pool = take_rows(X, pool), y[pool]
    X_test, y_test = take_rows(X, test), y[test]
    columns = ["strategy", "repeat", "n_labels", "rmse", "mae"]
    if label is None:
        # The reference: the same model trained on every pool row.
        model = clone(learner).set_params(
            budget=None, strategy="random", random_state=int(seed)
        )
        model.fit(X_pool, y_pool)
        rmse, mae = _errors(model, X_test, y_test)
        frame = pd.DataFrame([(None, repeat, n_pool, rmse, mae)], columns=columns)
        return (repeat, order), frame
    # The same initial labels for every strategy of this repeat.
    start = np.random.RandomState(seed).choice(n_pool, initial_size, replace=False)
    rest = np.setdiff1d(np.arange(n_pool), start)
    model, start_record = fit_then_learn(
        clone(learner).set_params(
            **{"budget": None, "random_state": int(seed), **params}
        ),
        X_pool,
        y_pool,
        start,
        rest,
        n_queries=budget - initial_size,
        batch_size=batch_size,
        X_val=X_test,
        y_val=y_test,
        stopping=stopping,
    )
    records = [
        (label, repeat, initial_size, start_record["val_rmse"], start_record["val_mae"])
    ]
    if budget > initial_size:
        for record in model.history_:
            records.append(
                (
                    label,
                    repeat,
                    record["n_labels"],
                    record["val_rmse"],
                    record["val_mae"],
                )
            )
    return (repeat, order), pd.DataFrame(records, columns=columns)


def _errors(model, X_test, y_test):
    return errors(y_test, model.predict(X_test))
