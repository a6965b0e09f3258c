"""Informativeness scores and batch rules."""

from ._base import BaseStrategy
from ._batch import TopSelection
from ._lcmd import LCMDSampling
from ._qbc import QueryByCommittee
from ._random import RandomSampling
from ._uncertainty import UncertaintySampling

__all__ = [
    "BaseStrategy",
    "LCMDSampling",
    "QueryByCommittee",
    "RandomSampling",
    "TopSelection",
    "UncertaintySampling",
]
