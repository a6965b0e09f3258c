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
    """Whether the registered strategy ``name`` chooses its batch jointly."""
    return STRATEGIES[name]().selects_batch


def strategy_kinds():
    """``{name: "batch" or "score"}`` for every registered strategy.

    A *batch* strategy chooses its batch jointly and takes no
    ``batch_selection``; a *score* strategy gives one score per row and a
    batch rule chooses from them.
    """
    return {name: "batch" if selects_batch(name) else "score" for name in STRATEGIES}


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
