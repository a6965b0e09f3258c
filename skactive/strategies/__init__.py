"""Informativeness scores and batch rules."""

from ._base import BaseStrategy
from ._batch import TopSelection
from ._diverse import DiverseSelection
from ._emcm import ExpectedModelChange
from ._greedy import GreedySampling
from ._lcmd import LCMDSampling
from ._qbc import QueryByCommittee
from ._random import RandomSampling
from ._registry import registered_strategies, selects_batch, strategy_kinds
from ._uncertainty import UncertaintySampling

__all__ = [
    "BaseStrategy",
    "DiverseSelection",
    "ExpectedModelChange",
    "GreedySampling",
    "LCMDSampling",
    "QueryByCommittee",
    "RandomSampling",
    "TopSelection",
    "UncertaintySampling",
    "registered_strategies",
    "selects_batch",
    "strategy_kinds",
]
