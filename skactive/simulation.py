"""Honest simulations: learning curves of strategies against random sampling."""

import re
import sys
import time
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
from ._metrics import errors
from ._rows import take_rows

# Two runs of random itself differ by about this much (benchmarks/): smaller
# differences in the RMSE ratio are noise, not a gain or a loss.
_NOISE = 0.02
# A whole-pool model less than 10 % better than random's curve leaves little
# for any strategy to win.
_LITTLE_HEADROOM = 0.9
# Fewer splits than this cannot tell a strategy from random (user guide:
# "one split proves nothing").
_MIN_REPEATS = 3
# The library's default strategy: verdicts judge it first, by its own figure.
DEFAULT_STRATEGY = "lcmd"


class SimulationResult:
    """Learning curves of a :func:`simulate` run.

    Attributes
    ----------
    curves : pandas.DataFrame
        One row per strategy, repeat and round: ``strategy``, ``repeat``,
        ``n_labels``, ``rmse`` and ``mae`` on the held-out test set.
    full_pool : pandas.DataFrame or None
        One row per repeat: ``repeat``, ``n_labels`` (the whole pool),
        ``rmse`` and ``mae`` of the same model trained on every pool row —
        the best any strategy could hope for. None when ``simulate`` was
        called with ``headroom=False``.
    default : str or None
        Label of the library's default strategy among the curves
        (``"lcmd"``): :meth:`verdict` judges it first, and names any other
        strategy only as the best of several chosen after the fact.
    failures : list of dict
        Runs that raised (``repeat``, ``strategy``, ``error``). A failing
        run stops the simulation; the repeats finished before it are kept
        (``simulate`` warns), those in progress are dropped.
    warnings : list of dict
        The warnings the runs raised, one entry per distinct cause:
        ``category``, ``message`` (the first seen), ``count`` and
        ``messages`` (every distinct text). ``simulate`` emits one warning
        per cause instead of one per fit.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from skactive import ActiveLearningRegressor, simulate
    >>> X, y = make_friedman1(n_samples=300, random_state=0)
    >>> learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=10))
    >>> result = simulate(learner, X, y, budget=30, initial_size=10,
    ...                   batch_size=10, n_repeats=2, random_state=0)
    >>> list(result.summary().columns)  # doctest: +NORMALIZE_WHITESPACE
    ['rmse_ratio', 'final_rmse', 'labels_to_baseline_final', 'headroom',
     'headroom_captured', 'verdict']
    """

    def __init__(self, curves, full_pool=None, default=DEFAULT_STRATEGY):
        self.curves = curves
        self.full_pool = full_pool
        self.default = default
        self.failures = []
        self.warnings = []

    def summary(self, baseline="random"):
        """One row per strategy, measured against ``baseline`` under the same seeds.

        Columns:

        - ``rmse_ratio``: exp of the mean over rounds and repeats of log RMSE
          minus the baseline's (the initial point, shared by all, excluded);
          below 1 is better.
        - ``final_rmse``: mean test RMSE at the budget.
        - ``labels_to_baseline_final``: the fewest labels at which the
          strategy's mean RMSE reaches the baseline's final mean RMSE (NaN
          if it never does).
        - ``headroom``: the same model trained on the whole pool, as the same
          ratio to the baseline's curve — the lowest ``rmse_ratio`` any
          strategy could reach. Near 1 means labels beyond the budget buy
          little, so active learning has little to save.
        - ``headroom_captured``: the share of that possible gain the strategy
          took, ``log(rmse_ratio) / log(headroom)`` (negative: it lost).
        - ``verdict``: a few words; see also :meth:`verdict`.

        Ratios within 2 % of 1 are reported as no different from the
        baseline: two runs of random sampling differ by that much. With
        fewer than 3 repeats every verdict is "not enough repeats to tell".
        When the baseline's test RMSE is 0 (a target the model fits
        exactly) the ratio is NaN and the verdict says so.
        """
        curves = self.curves
        if baseline not in set(curves["strategy"]):
            raise ValueError(
                f"No {baseline!r} curves to compare with; include {baseline!r} "
                "in strategies."
            )
        keyed = curves.set_index(["strategy", "repeat", "n_labels"])["rmse"]
        base = keyed.loc[baseline]
        mean_curves = curves.groupby(["strategy", "n_labels"])["rmse"].mean()
        base_final = mean_curves.loc[baseline].iloc[-1]
        start = base.index.get_level_values("n_labels").min()
        base_rounds = base[base.index.get_level_values("n_labels") > start]
        headroom = self._headroom(base_rounds)
        n_repeats = curves["repeat"].nunique()
        rows = []
        for name in pd.unique(curves["strategy"]):
            own = keyed.loc[name]
            # The first point is the shared initial set, equal for everyone.
            with np.errstate(divide="ignore", invalid="ignore"):
                log_diff = np.log(own) - np.log(base.reindex(own.index))
            log_diff = log_diff[log_diff.index.get_level_values("n_labels") > start]
            ratio = float(np.exp(log_diff.mean())) if len(log_diff) else 1.0
            if not np.isfinite(log_diff).all():
                # An RMSE of 0 (a target fit exactly): no ratio means anything.
                ratio = np.nan
            curve = mean_curves.loc[name]
            reached = curve.index[curve.to_numpy() <= base_final]
            captured = np.nan
            if name == baseline:
                captured = 0.0
            elif np.isfinite(headroom) and headroom < 1 and np.isfinite(ratio):
                captured = float(np.log(ratio) / np.log(headroom))
            rows.append(
                {
                    "strategy": name,
                    "rmse_ratio": ratio,
                    "final_rmse": float(curve.iloc[-1]),
                    "labels_to_baseline_final": float(reached.min())
                    if len(reached)
                    else np.nan,
                    "headroom": headroom,
                    "headroom_captured": captured,
                    "verdict": _verdict(name, baseline, ratio, headroom, n_repeats),
                }
            )
        return pd.DataFrame(rows).set_index("strategy")

    def _headroom(self, base_rounds):
        if self.full_pool is None or len(base_rounds) == 0:
            return np.nan
        full = self.full_pool.set_index("repeat")["rmse"]
        repeats = base_rounds.index.get_level_values("repeat")
        with np.errstate(divide="ignore", invalid="ignore"):
            log_diff = np.log(full.reindex(repeats).to_numpy()) - np.log(
                base_rounds.to_numpy()
            )
        if not np.isfinite(log_diff).all():
            return np.nan
        return float(np.exp(np.mean(log_diff)))

    def verdict(self, baseline="random"):
        """A plain answer: does active learning pay off on this data?

        The library's default strategy (``default``, ``"lcmd"``) is judged
        first, by its own figure. Any other strategy is named only as "the
        best of N, chosen after the fact": picking the best of several runs
        flatters it. With fewer than 3 repeats the answer is "not enough
        repeats to tell", with the figures for the record.

        Returns
        -------
        text : str
            A few sentences: the default's ratio to ``baseline``, the best of
            the others, and how much there was to save.
        """
        table = self.summary(baseline)
        others = table.drop(index=baseline)
        headroom = table["headroom"].iloc[0]
        room = ""
        if np.isfinite(headroom):
            room = (
                f"the same model trained on the whole pool reaches "
                f"{headroom:.2f} x {baseline}'s RMSE"
            )
        if others.empty:
            tail = f" {_capital(room)}." if room else ""
            return f"Only {baseline} was run; nothing to compare.{tail}"
        finite = others[np.isfinite(others["rmse_ratio"])]
        if finite.empty:
            return (
                f"No verdict: {baseline}'s test RMSE is 0 in some rounds (the model "
                "fits these targets exactly), so the ratios are undefined and there "
                "is nothing for active learning to save."
            )
        default = self.default if self.default in finite.index else None
        rest = finite.drop(index=default) if default else finite
        figures = []
        if default:
            figures.append(
                f"the default, {default}, reaches "
                f"{finite.loc[default, 'rmse_ratio']:.3f} x {baseline}'s RMSE over "
                f"the learning curve ({table.loc[default, 'verdict']})"
                + self._saved(finite, default, baseline)
            )
        if len(rest):
            best = rest["rmse_ratio"].idxmin()
            n_others = len(rest)
            of = (
                "the only other strategy,"
                if n_others == 1
                else (
                    f"the best of {n_others}{' other' if default else ''} strategies, "
                    "chosen after the fact,"
                )
            )
            figures.append(
                f"{of} {best}, reaches {rest.loc[best, 'rmse_ratio']:.3f} x "
                f"{baseline}'s RMSE"
            )
        record = "; ".join(figures)
        n_repeats = self.curves["repeat"].nunique()
        if n_repeats < _MIN_REPEATS:
            return (
                f"Not enough repeats to tell: {n_repeats} split"
                f"{'s' if n_repeats != 1 else ''} of the data, and one split proves "
                f"nothing; run {_MIN_REPEATS} repeats or more. For the record, "
                f"{record}."
            )
        lead = default if default else rest["rmse_ratio"].idxmin()
        ratio = finite.loc[lead, "rmse_ratio"]
        who = (
            f"the default, {lead},"
            if default
            else (f"{lead}, the best of {len(rest)} chosen after the fact,")
        )
        if np.isfinite(headroom) and headroom > _LITTLE_HEADROOM:
            return (
                f"Active learning is not worth it on this data: {room}, so more "
                f"labels buy little and no strategy can save much. Labeling at "
                f"random does about as well. For the record, {record}."
            )
        room_tail = (
            f" {_capital(room)}, so there is room a better strategy could take."
            if room
            else ""
        )
        if ratio > 1 + _NOISE:
            return (
                f"Active learning with {who} is not worth it here: it did worse "
                f"than {baseline}. Label at random. In full, {record}.{room_tail}"
            )
        if ratio >= 1 - _NOISE:
            return (
                f"Active learning with {who} is not worth it here: it is within the "
                f"{_NOISE:.0%} by which two runs of {baseline} differ. In full, "
                f"{record}.{room_tail}"
            )
        share = finite.loc[lead, "headroom_captured"]
        taken = (
            f", so {lead} took {share:.0%} of the possible gain"
            if np.isfinite(share)
            else ""
        )
        return f"Active learning pays off with {who}: {record}." + (
            f" {_capital(room)}{taken}." if room else ""
        )

    def _saved(self, table, name, baseline):
        labels = table.loc[name, "labels_to_baseline_final"]
        if not np.isfinite(labels) or table.loc[name, "rmse_ratio"] >= 1 - _NOISE:
            return ""
        final = self.curves["n_labels"].max()
        return (
            f", and reaches {baseline}'s final RMSE with {labels:.0f} of {final} labels"
        )

    def plot(self, *, metric="rmse", ax=None, **kwargs):
        """Plot mean test error and its spread against labels, per strategy.

        Parameters
        ----------
        metric : {"rmse", "mae"}, default="rmse"
        ax : matplotlib Axes, default=None
        **kwargs
            Passed to :meth:`ActiveLearningCurveDisplay.plot`.

        Returns
        -------
        display : ActiveLearningCurveDisplay
        """
        from .plotting import ActiveLearningCurveDisplay

        return ActiveLearningCurveDisplay.from_simulation(
            self, metric=metric, ax=ax, **kwargs
        )

    def __repr__(self):
        strategies = list(pd.unique(self.curves["strategy"]))
        repeats = self.curves["repeat"].nunique()
        return f"SimulationResult(strategies={strategies}, n_repeats={repeats})"


def _capital(text):
    return text[:1].upper() + text[1:]


def _verdict(name, baseline, ratio, headroom, n_repeats):
    if name == baseline:
        return "baseline"
    if not np.isfinite(ratio):
        return "undefined: a test RMSE of 0 (the model fits the target exactly)"
    if n_repeats < _MIN_REPEATS:
        return f"not enough repeats to tell ({n_repeats} of {_MIN_REPEATS})"
    if ratio > 1 + _NOISE:
        word = f"worse than {baseline}"
    elif ratio >= 1 - _NOISE:
        word = f"no better than {baseline}"
    else:
        word = f"better than {baseline}"
    if np.isfinite(headroom) and headroom > _LITTLE_HEADROOM:
        word += "; little headroom: not worth it on this data"
    return word


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
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from skactive import ActiveLearningRegressor, simulate
    >>> X, y = make_friedman1(n_samples=300, random_state=0)
    >>> learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=10))
    >>> result = simulate(learner, X, y, budget=30, initial_size=10,
    ...                   batch_size=10, n_repeats=2, random_state=0)
    >>> sorted(result.summary().index)
    ['random', 'uncertainty']
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
    if budget > n_pool:
        raise ValueError(
            f"budget={budget} exceeds the pool ({n_pool} rows after holding out "
            "the test set); lower the budget or the test_size."
        )
    _fit_up_front(learner, X, y, n_pool, budget, int(seeds[0]))
    # Repeat by repeat (the whole-pool model last), so that repeats finish
    # in order and a failure keeps every repeat before it.
    runs = list(settings.items()) + ([(None, None)] if headroom else [])
    tasks = [
        (repeat, order, label, params)
        for repeat in range(n_repeats)
        for order, (label, params) in enumerate(runs)
    ]
    frames, caught, failures = {}, [], []
    jobs = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_quiet_run)(
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
            seeds[repeat],
            order,
            stopping,
        )
        for repeat, order, label, params in tasks
    )
    with _Progress(len(tasks), progress) as bar:
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
    get_estimator = getattr(learner, "_get_estimator", None)
    if get_estimator is None:
        return
    committee = getattr(learner, "committee", None)
    models = committee if isinstance(committee, list) else [get_estimator()]
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


def _normalized(message):
    """A warning's cause: its first line with numbers and lists blanked out."""
    first = message.strip().splitlines()[0] if message.strip() else message
    first = re.sub(r"\[[^\]]*\]", "[...]", first)
    return re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "#", first)


_SKIPPED = re.compile(r"Skipping features without any observed values: \[(.*?)\]", re.S)


def _skipped_columns(messages):
    """Columns a SimpleImputer skipped for having no observed value, by name
    (or position), from its warnings; empty for any other warning."""
    names = []
    for message in messages:
        match = _SKIPPED.search(message)
        if not match:
            return []
        for name in re.findall(r"'([^']*)'|\"([^\"]*)\"|(-?\d+)", match.group(1)):
            name = next(part for part in name if part)
            if name not in names:
                names.append(name)
    return names


def summarize_warnings(caught, n_columns=None):
    """One entry per distinct cause of ``(category, message)`` pairs, most
    frequent first: ``category``, ``message`` (the first seen), ``count``,
    ``messages`` (the distinct texts) and a one-line ``summary``."""
    causes = {}
    for category, message in caught:
        key = (category, _normalized(message))
        cause = causes.setdefault(
            key, {"category": category, "message": message, "count": 0, "messages": []}
        )
        cause["count"] += 1
        if message not in cause["messages"]:
            cause["messages"].append(message)
    ordered = sorted(causes.values(), key=lambda cause: -cause["count"])
    for cause in ordered:
        skipped = _skipped_columns(cause["messages"])
        if skipped:
            shown = ", ".join(skipped[:8]) + (", ..." if len(skipped) > 8 else "")
            of = f" of {n_columns}" if n_columns else ""
            cause["summary"] = (
                "Columns with no observed value among the labeled rows were left out "
                f"of those fits by the imputer ({cause['count']} fits; "
                f"{len(skipped)}{of} columns): {shown}"
            )
            continue
        first = " ".join(cause["message"].split())
        if len(first) > 300:
            first = first[:297] + "..."
        times = "once" if cause["count"] == 1 else f"{cause['count']} times"
        cause["summary"] = f"{cause['category'].__name__} ({times}): {first}"
    return ordered


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
    if budget > n_pool:
        raise ValueError(
            f"budget={budget} exceeds the pool ({n_pool} rows after holding out "
            "the test set); lower the budget or the test_size."
        )
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


class _Progress:
    """Finished runs on stderr. In a terminal: a tqdm bar if installed, else
    one line rewritten in place. Elsewhere (a log, a pipe, a notebook's
    captured stream): a plain line at every tenth of the runs."""

    def __init__(self, total, enabled):
        self.tty = bool(getattr(sys.stderr, "isatty", lambda: False)())
        if enabled is None:
            enabled = total >= 8 and self.tty
        self.total, self.enabled, self.done = total, enabled, 0
        self._bar = None
        self._step = max(1, -(-total // 10))
        self._started = time.perf_counter()

    def __enter__(self):
        if self.enabled and self.tty:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                self._line()
            else:
                self._bar = tqdm(
                    total=self.total, desc="simulate", unit="run", file=sys.stderr
                )
        elif self.enabled:
            self._line()
        return self

    def update(self):
        self.done += 1
        if self._bar is not None:
            self._bar.update()
        elif self.enabled and (
            self.tty or self.done % self._step == 0 or self.done == self.total
        ):
            self._line()

    def _line(self):
        elapsed = time.perf_counter() - self._started
        text = f"simulate: {self.done}/{self.total} runs done, {elapsed:.0f} s"
        if self.tty:
            end = "\n" if self.done == self.total else ""
            sys.stderr.write(f"\r{text}{end}")
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.close()
        elif self.enabled and self.tty and self.done != self.total:
            sys.stderr.write("\n")
        return False
