"""Strategy and batch-rule names, and turning a name into an object."""

from functools import partial

from sklearn.base import clone

from ._batch import TopSelection
from ._diverse import DiverseSelection
from ._emcm import ExpectedModelChange
from ._greedy import GreedySampling
from ._lcmd import LCMDSampling
from ._qbc import QueryByCommittee
from ._random import RandomSampling
from ._uncertainty import UncertaintySampling

STRATEGIES = {
    "random": RandomSampling,
    "uncertainty": UncertaintySampling,
    "qbc": QueryByCommittee,
    "emcm": ExpectedModelChange,
    "gsx": partial(GreedySampling, kind="gsx"),
    "gsy": partial(GreedySampling, kind="gsy"),
    "igs": partial(GreedySampling, kind="igs"),
    "lcmd": LCMDSampling,
}

BATCH_SELECTIONS = {
    "top": TopSelection,
    "diverse": DiverseSelection,
}


def resolve_strategy(strategy):
    """A fresh strategy object from a name or a strategy object."""
    if isinstance(strategy, str):
        try:
            return STRATEGIES[strategy]()
        except KeyError:
            raise ValueError(
                f"Unknown strategy {strategy!r}; use one of {sorted(STRATEGIES)} "
                "or a strategy object from skactive.strategies."
            ) from None
    return clone(strategy)


def selects_batch(name):
    """Whether the registered strategy ``name`` chooses its batch jointly.

    Parameters
    ----------
    name : str
        A key of the registry, e.g. ``"lcmd"``.

    Returns
    -------
    selects_batch : bool
        True for a batch strategy (no ``batch_selection``), False for a
        score strategy.
    """
    return STRATEGIES[name]().selects_batch


def strategy_kinds():
    """``{name: "batch" or "score"}`` for every registered strategy.

    A *batch* strategy chooses its batch jointly and takes no
    ``batch_selection``; a *score* strategy gives one score per row and a
    batch rule chooses from them.

    Returns
    -------
    kinds : dict
        ``{name: "batch" or "score"}`` in the order of the registry.
    """
    return {name: "batch" if selects_batch(name) else "score" for name in STRATEGIES}


def registered_strategies(batch_rules=("top", "diverse")):
    """``{label: learner params}``: random, then every registered strategy.

    A score strategy runs with each of ``batch_rules`` that is registered
    (label ``name`` for top-n, ``name-rule`` otherwise); a strategy that
    chooses its own batch (greedy sampling, LCMD) runs once, with no
    ``batch_selection``.

    Parameters
    ----------
    batch_rules : tuple of str, default=("top", "diverse")
        Batch rules to pair with each score strategy.

    Returns
    -------
    settings : dict
        ``{label: {"strategy": name[, "batch_selection": rule]}}``, in the
        order of the registry, random first.
    """
    settings = {"random": {"strategy": "random"}}
    rules = [rule for rule in batch_rules if rule in BATCH_SELECTIONS]
    for name, kind in strategy_kinds().items():
        if name == "random":
            continue
        if kind == "batch":
            settings[name] = {"strategy": name}
            continue
        for rule in rules:
            label = name if rule == "top" else f"{name}-{rule}"
            settings[label] = {"strategy": name, "batch_selection": rule}
    return settings


def resolve_batch_selection(batch_selection, strategy):
    """A fresh batch rule from a name, an object, or None (the strategy's own).

    None for a strategy that chooses its batch jointly; an explicit
    ``batch_selection`` for such a strategy raises ``ValueError``.
    """
    if strategy.selects_batch:
        if batch_selection is not None:
            raise ValueError(
                f"{type(strategy).__name__} chooses its whole batch jointly, so "
                f"batch_selection={batch_selection!r} would be ignored; leave "
                "batch_selection=None, or use a score strategy (random, "
                "uncertainty, qbc, emcm) with a batch rule."
            )
        return None
    if batch_selection is None:
        batch_selection = strategy.default_batch_selection
    if isinstance(batch_selection, str):
        try:
            rule = BATCH_SELECTIONS[batch_selection]
        except KeyError:
            raise ValueError(
                f"Unknown batch_selection {batch_selection!r}; use one of "
                f"{sorted(BATCH_SELECTIONS)} or a batch-rule object."
            ) from None
        if rule is DiverseSelection:
            # Weigh rows by the score on the scale of a spread (QBC: a variance).
            return DiverseSelection(score_power=strategy.spread_power)
        return rule()
    rule = clone(batch_selection)
    if hasattr(rule, "_validate_params"):
        rule._validate_params()  # a bad knob fails at fit, not at the first query
    return rule
