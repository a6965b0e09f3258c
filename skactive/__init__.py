"""Active learning for regression, as a scikit-learn meta-estimator."""

from ._cold_start import cold_start
from ._pipeline import query, teach
from ._regressor import ActiveLearningRegressor
from .plotting import ActiveLearningCurveDisplay
from .session import LabelingSession
from .simulation import SimulationResult, simulate
from .stopping import (
    LabelBudget,
    PoolScoreBelow,
    StabilizingPredictions,
    TargetError,
)
from .stream import StreamSelector
from .web import serve

__version__ = "0.1.0.dev0"

__all__ = [
    "ActiveLearningCurveDisplay",
    "ActiveLearningRegressor",
    "LabelBudget",
    "LabelingSession",
    "PoolScoreBelow",
    "StabilizingPredictions",
    "TargetError",
    "SimulationResult",
    "StreamSelector",
    "cold_start",
    "query",
    "serve",
    "simulate",
    "teach",
]
