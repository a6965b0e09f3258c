"""The result of a simulation: learning curves, their summary and a verdict."""

import numpy as np
import pandas as pd

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
