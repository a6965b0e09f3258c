"""Active learning for regression, as a scikit-learn meta-estimator."""

from ._pipeline import query, teach
from ._regressor import ActiveLearningRegressor
from .plotting import ActiveLearningCurveDisplay
from .simulation import SimulationResult, simulate

__version__ = "0.1.0.dev0"

__all__ = [
    "ActiveLearningCurveDisplay",
    "ActiveLearningRegressor",
    "SimulationResult",
    "query",
    "simulate",
    "teach",
]
